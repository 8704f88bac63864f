"""Training: the validation hold-out, the input pipeline, augmentation and a whole small run."""

import json
import re
import warnings

import numpy as np
import pytest
from PIL import Image

from microcnn.classes import GrainSizeClasses
from microcnn.data.manifest import ManifestRow, microstructure_id, write_manifest
from microcnn.imaging.images import load_image
from microcnn.learning.architectures import load
from microcnn.learning.training import (
    BLUR_SIGMA_PX,
    HALVE_MIN_AREA_PX,
    HALVE_SHARE,
    ZOOM_RANGE,
    TrainingDivergedError,
    TrainingSettings,
    augment_image,
    check_finite,
    halve,
    halve_chosen,
    make_dataset,
    optimiser_and_callbacks,
    random_blur,
    random_zoom,
    tf,
    tone_curve,
    train,
    validation_split,
    zoom_factor,
    zoom_shift,
)

from ..helpers import read_csv

pytestmark = pytest.mark.usefixtures("seeded_tensorflow")
CLASSES = GrainSizeClasses(("fine", "coarse"), (5000.0,), ((1000.0, 3000.0), (8000.0, 9e4)))


def _rows(n_per_class: int, styles=("reference", "grey")) -> list[ManifestRow]:
    return [
        ManifestRow(f"{style}/{cls}/{cls}-{i:05d}.png", cls, style)
        for cls in ("coarse", "fine")
        for i in range(n_per_class)
        for style in styles
    ]


def test_validation_split_holds_out_whole_microstructures_per_class():
    train_rows, val_rows = validation_split(_rows(20), 0.15, global_seed=3)
    held = {microstructure_id(r.path) for r in val_rows}
    assert not held & {microstructure_id(r.path) for r in train_rows}
    assert sorted(r.label for r in val_rows).count("fine") == 2 * 3  # 3 of 20, both styles
    assert validation_split(_rows(20), 0.15, global_seed=3) == (train_rows, val_rows)
    assert validation_split(_rows(20), 0.15, global_seed=4)[1] != val_rows


def _images(tmp_path, n_per_class: int, size=(48, 32)) -> list[ManifestRow]:
    """Bright coarse and dark fine PNGs with their true areas (1000 and 100 px)."""
    rows = []
    rng = np.random.default_rng(0)
    for cls, level, area in (("coarse", 200, 1000.0), ("fine", 40, 100.0)):
        for i in range(n_per_class):
            pixels = np.clip(level + rng.normal(0, 20, (size[1], size[0], 3)), 0, 255)
            path = tmp_path / f"{cls}-{i:05d}.png"
            Image.fromarray(pixels.astype(np.uint8)).save(path)
            rows.append(ManifestRow(str(path), cls, "reference", area, 4.5, 1.0))
    return rows


def test_make_dataset_batches_images_and_log_areas(tmp_path):
    rows = _images(tmp_path, 3)
    batches = list(make_dataset(rows, 32, 48, batch_size=4))
    assert [tuple(x.shape) for x, _ in batches] == [(4, 32, 48, 3), (2, 32, 48, 3)]
    targets = np.concatenate([y.numpy() for _, y in batches])
    np.testing.assert_allclose(targets, [3, 3, 3, 2, 2, 2])


def test_stretched_datasets_carry_each_images_levels_stretched_as_prediction_reads_them(
    tmp_path,
):
    rows = _images(tmp_path, 2)
    for row in rows:  # dim them: levels 0-127
        pixels = np.asarray(Image.open(row.path)) // 2
        Image.fromarray(pixels).save(row.path)
    ((images, _),) = make_dataset(rows, 32, 48, batch_size=4, stretched=True)
    expected = [load_image(row.path, stretched=True) for row in rows]
    np.testing.assert_array_equal(images.numpy(), expected)
    assert images.numpy().max() == 255 and images.numpy().min() == 0
    ((as_given, _),) = make_dataset(rows, 32, 48, batch_size=4)
    np.testing.assert_array_equal(as_given.numpy(), [load_image(r.path) for r in rows])


def test_blurred_augmented_batches_repeat_per_seed_and_smooth_some_images(tmp_path):
    rows = _images(tmp_path, 8)

    def epoch(blur: bool) -> np.ndarray:
        ds = make_dataset(rows, 32, 48, 4, shuffle_seed=5, augment=True, blur=blur)
        return np.concatenate([x.numpy() for x, _ in ds])

    blurred, sharp = epoch(True), epoch(False)
    assert blurred.shape == sharp.shape == (16, 32, 48, 3) and blurred.dtype == np.uint8
    np.testing.assert_array_equal(blurred, epoch(True))  # the same seed, the same images
    # Blur smooths the noise of about half the images (the same order and levels otherwise).
    roughness = lambda x: np.abs(np.diff(x.astype(float), axis=2)).mean(axis=(1, 2, 3))  # noqa: E731
    smoother = roughness(blurred) < 0.8 * roughness(sharp)
    assert 2 <= smoother.sum() <= 14


def test_tone_curved_batches_repeat_per_seed_and_keep_targets(tmp_path):
    rows = _images(tmp_path, 8)

    def epoch(tone: bool) -> tuple[np.ndarray, np.ndarray]:
        ds = make_dataset(rows, 32, 48, 4, shuffle_seed=5, augment=True, tone=tone)
        batches = list(ds)
        return np.concatenate([x.numpy() for x, _ in batches]), np.concatenate(
            [y for _, y in batches]
        )

    (curved, y_curved), (plain, y_plain) = epoch(True), epoch(False)
    np.testing.assert_array_equal(curved, epoch(True)[0])  # the same seed, the same images
    np.testing.assert_array_equal(y_curved, y_plain)  # a tone keeps grain size
    # The same order, flips and linear levels: only the curved images differ, about half.
    changed = np.abs(curved.astype(int) - plain.astype(int)).max(axis=(1, 2, 3)) > 2
    assert 2 <= changed.sum() <= 14


def test_training_passes_the_tone_switch_to_its_training_data_only(tmp_path, monkeypatch):
    from microcnn.learning import training

    rows = _images(tmp_path, 4)
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, rows)
    seen = []
    real = training.make_dataset

    def spy(*args, **kwargs):
        seen.append((kwargs.get("augment", False), kwargs.get("tone", False)))
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "make_dataset", spy)
    for tone in (True, False):
        settings = TrainingSettings(epochs=1, batch_size=4, early_stopping_patience=0, tone=tone)
        out = tmp_path / f"model-{tone}"
        train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 4.5)
    # Training data (augmented) gets the switch; validation data is never changed.
    assert seen == [(True, True), (False, False), (True, False), (False, False)]


@pytest.mark.parametrize(
    "switches", [{}, {"augment": True, "zoom": True}, {"augment": True, "halve": True}]
)
def test_datasets_run_without_the_autotuner_and_give_the_batches_it_would(tmp_path, switches):
    rows = _images(tmp_path, 8, size=(64, 64))
    ds = make_dataset(rows, 64, 64, 4, shuffle_seed=3, **switches)
    assert ds.options().autotune.enabled is False
    tuned = tf.data.Options()
    tuned.autotune.enabled = True
    with warnings.catch_warnings():  # tf.data warns that the option changes
        warnings.simplefilter("ignore")
        # Another dataset of the same call: each pass of one dataset reshuffles.
        autotuned = make_dataset(rows, 64, 64, 4, shuffle_seed=3, **switches).with_options(tuned)
    assert autotuned.options().autotune.enabled is True
    for (x, y), (x_tuned, y_tuned) in zip(ds, autotuned, strict=True):
        np.testing.assert_array_equal(x.numpy(), x_tuned.numpy())
        np.testing.assert_array_equal(y.numpy(), y_tuned.numpy())


def test_images_without_truth_are_refused(tmp_path):
    rows = [ManifestRow("x.png", "fine", "reference")]  # a hand-made manifest: no area
    with pytest.raises(ValueError, match="no true grain area, e.g. x.png"):
        make_dataset(rows, 32, 48, batch_size=4)


def test_augmentation_keeps_shape_and_range_and_repeats():
    import tensorflow as tf

    image = tf.constant(np.random.default_rng(0).integers(0, 256, (32, 48, 3)), tf.uint8)
    seeds = tf.constant([5, 7], tf.int64)
    a = augment_image(image, seeds, square=False)
    assert tuple(a.shape) == (32, 48, 3) and a.dtype == tf.uint8
    assert float(tf.reduce_min(a)) >= 0 and float(tf.reduce_max(a)) <= 255
    np.testing.assert_array_equal(a.numpy(), augment_image(image, seeds, square=False).numpy())


def test_augmentation_moves_levels_of_a_uniform_image_uniformly_within_the_brightness_range():
    import tensorflow as tf

    image = tf.fill((16, 24, 3), tf.constant(128, tf.uint8))
    levels = set()
    for k in range(20):
        out = augment_image(image, tf.constant([k, 3 * k], tf.int64), square=True).numpy()
        assert (out == out.flat[0]).all()  # turns and levels keep a uniform image uniform
        levels.add(int(out.flat[0]))
    # Brightness +-0.15 * 255 (38.25); contrast about mid-grey moves 128 by at most 0.1.
    assert min(levels) >= 128 - 39 and max(levels) <= 128 + 39
    assert len(levels) > 10  # the level is drawn per seed


def test_augmentation_inverts_about_half_the_images_keeping_their_boundaries_in_place():
    import tensorflow as tf

    # A dark boundary line (level 20) across a light grain (level 220), symmetric under every
    # flip and turn, so only the levels can change.
    image = np.full((16, 16, 3), 220, np.uint8)
    image[7:9, :] = 20
    image[:, 7:9] = 20
    line = np.zeros((16, 16), bool)
    line[7:9, :] = line[:, 7:9] = True
    inverted = {True: 0, False: 0}
    for invert in (True, False):
        for k in range(200):
            seeds = tf.constant([k, 7 * k + 1], tf.int64)
            out = augment_image(tf.constant(image), seeds, True, invert).numpy()[..., 0]
            out = out.astype(int)
            # Every pixel of a level maps to one level: the line stays where it was.
            assert len(np.unique(out[line])) == 1 and len(np.unique(out[~line])) == 1
            # Contrast x0.8 to x1.2 and brightness +-38 keep the levels well apart either way.
            assert abs(out[line][0] - out[~line][0]) >= 0.8 * 200 - 1
            inverted[invert] += out[line][0] > out[~line][0]
    assert 70 <= inverted[True] <= 130  # half, within about 4 standard deviations of 200 draws
    assert inverted[False] == 0  # training.invert: false keeps every image's polarity


def _line_image() -> np.ndarray:
    """A one-pixel dark line (level 0) down a light field (level 200)."""
    image = np.full((24, 24, 3), 200, np.uint8)
    image[:, 11] = 0
    return image


def test_blur_spreads_a_line_keeping_its_total_darkness_and_a_flat_field_unchanged():
    import tensorflow as tf

    image = tf.constant(_line_image(), tf.float32)
    widest = 0.0
    for k in range(20):
        out = random_blur(image, tf.constant([k, 5 * k + 2], tf.int64)).numpy()
        assert out.shape == (24, 24, 3)
        row = out[12, :, 0]
        # The missing light stays where the line was (the kernel sums to one) ...
        assert abs((200 - row).sum() - 200) < 1e-2
        # ... spread over its neighbours: the line is fainter, wider, still centred.
        assert row[11] > 0 and row.argmin() == 11 and row[10] == pytest.approx(row[12])
        # Mirrored edges: the field's border keeps its level (no dark frame).
        np.testing.assert_allclose(out[:, :5], 200, atol=1e-3)
        # The line keeps the centre weight of a normalised Gaussian of a sigma in range.
        kept = (200 - row[11]) / 200
        low, high = BLUR_SIGMA_PX
        assert _centre_weight(high) - 1e-4 < kept < _centre_weight(low) + 1e-4
        widest = max(widest, 1 - kept)
    assert widest > 0.5  # some draws fade the line by more than half


def _centre_weight(sigma: float) -> float:
    taps = np.arange(-10, 11)
    return 1 / np.exp(-0.5 * (taps / sigma) ** 2).sum()


def test_blur_blurs_about_half_the_images_and_nothing_without_it():
    import tensorflow as tf

    image = tf.constant(_line_image())
    counts = {True: 0, False: 0}
    for blur in (True, False):
        for k in range(200):
            seeds = tf.constant([k, 11 * k + 3], tf.int64)
            out = augment_image(image, seeds, True, invert=False, blur=blur).numpy()[..., 0]
            # Sharp: two levels only, whatever the turn, flip and levels; blurred: more.
            counts[blur] += len(np.unique(out)) > 2
    assert 70 <= counts[True] <= 130  # half, within about 4 standard deviations of 200 draws
    assert counts[False] == 0


def test_tone_curve_keeps_black_white_and_order_and_bends_mid_grey():
    levels = tf.constant(np.arange(256, dtype=np.float32))
    for bend in (-1.0, -0.3, 0.0, 0.6, 1.0):
        out = tone_curve(levels, tf.constant(bend)).numpy()
        assert out[0] == 0.0 and out[255] == pytest.approx(255.0)
        assert np.all(np.diff(out) >= 0)  # never reverses two levels
        mid = 127.5 + bend * 127.5 * 127.5 / 255
        assert float(tone_curve(tf.constant(127.5), tf.constant(bend))) == pytest.approx(mid)
    # The strongest bends take mid-grey where a gamma of 2 (255 * 0.5**2) or 0.42 would.
    assert float(tone_curve(tf.constant(127.5), tf.constant(-1.0))) == pytest.approx(63.75)
    assert float(tone_curve(tf.constant(127.5), tf.constant(1.0))) == pytest.approx(191.25)
    assert float(tone_curve(tf.constant(127.5), tf.constant(1.0))) == pytest.approx(
        255 * 0.5**0.42, abs=1.0
    )


def test_tone_curves_about_half_the_images_and_nothing_without_it():
    """Three grey bands, 64, 128 and 192: a linear change of levels (brightness, contrast,
    inversion) keeps the middle band halfway between the others; a curved tone does not."""
    image = np.zeros((48, 48, 3), np.uint8)
    image[:16], image[16:32], image[32:] = 64, 128, 192
    counts = {True: 0, False: 0}
    for tone in (True, False):
        for k in range(200):
            seeds = tf.constant([k, 7 * k + 1], tf.int64)
            out = augment_image(tf.constant(image), seeds, True, tone=tone).numpy()
            # The turn and flips move the bands: find them by their levels' order.
            low, mid, high = np.sort(np.unique(out[..., 0]).astype(float))
            counts[tone] += abs((mid - low) / (high - low) - 0.5) > 0.02
    assert 60 <= counts[True] <= 130  # half are curved; the weakest bends go unseen
    assert counts[False] == 0


def _square_image(height: int = 96, width: int = 144, side: int = 20) -> np.ndarray:
    """A dark square (level 0) in the middle of a white field."""
    image = np.full((height, width, 3), 255, np.uint8)
    top, left = (height - side) // 2, (width - side) // 2
    image[top : top + side, left : left + side] = 0
    return image


def test_zoom_scales_a_square_by_the_factor_and_puts_a_white_margin_round_a_smaller_image():
    import tensorflow as tf

    square = tf.constant(_square_image(), tf.float32)
    grey = tf.constant(np.full((96, 144, 3), 100, np.uint8), tf.float32)
    for k, factor in enumerate((0.8, 0.9, 1.1, 1.25)):
        for j in range(5):
            seed = tf.constant([k, 7 * j + 1], tf.int64)
            out = random_zoom(square, tf.constant(factor), seed).numpy()
            assert out.shape == (96, 144, 3)
            # The square's darkness (its area, in pixels of full darkness) grows as factor^2.
            darkness = ((255 - out[..., 0]) / 255).sum()
            assert darkness == pytest.approx(400 * factor**2, rel=0.05)
            # A flat field zoomed out sits in a white margin of 1 - factor^2 of the image.
            white = (random_zoom(grey, tf.constant(factor), seed).numpy()[..., 0] > 254).mean()
            assert white == pytest.approx(max(0.0, 1 - factor**2), abs=0.03)


def test_zoom_draws_half_the_images_in_range_and_moves_their_target_by_the_area():
    import tensorflow as tf

    factors = np.array(
        [float(zoom_factor(tf.constant([k, 3 * k + 1], tf.int64))) for k in range(200)]
    )
    zoomed = factors[factors != 1.0]
    assert 70 <= len(zoomed) <= 130
    assert ZOOM_RANGE[0] <= zoomed.min() and zoomed.max() <= ZOOM_RANGE[1]
    assert zoomed.min() < 0.85 and zoomed.max() > 1.18  # the whole range is drawn
    seeds = tf.constant([4, 9], tf.int64)
    assert float(zoom_shift(seeds)) == pytest.approx(2 * np.log10(float(zoom_factor(seeds))))


def test_zoomed_batches_carry_the_area_of_what_they_show(tmp_path):
    """Each augmented image's target is log10 of the dark square's area in it, zoomed or not."""
    path = tmp_path / "square.png"
    Image.fromarray(_square_image(64, 96, 16)).save(path)
    rows = [ManifestRow(str(path), "fine", "reference", 256.0, 4.5, 1.0)] * 40
    ds = make_dataset(rows, 64, 96, 8, shuffle_seed=3, augment=True, invert=False, zoom=True)
    shown, targets = [], []
    for x, y in ds:
        for image, target in zip(x.numpy()[..., 0].astype(float), y.numpy(), strict=True):
            middle = (image.min() + image.max()) / 2  # levels are random: split dark from light
            shown.append(np.log10((image < middle).sum()))
            targets.append(target)
    shown, targets = np.array(shown), np.array(targets)
    assert np.ptp(targets) > 0.25  # some zoomed in, some out, some not
    np.testing.assert_allclose(shown, targets, atol=0.06)
    # Without zoom every target is the image's own.
    plain = make_dataset(rows, 64, 96, 8, shuffle_seed=3, augment=True, invert=False)
    np.testing.assert_allclose(np.concatenate([y.numpy() for _, y in plain]), np.log10(256.0))


def test_halving_averages_2x2_blocks_and_drops_an_odd_edge():
    image = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    out = halve(image).numpy()
    assert out.shape == (2, 3, 3) and out.dtype == np.uint8
    block = image[2:4, 4:6].astype(float).mean(axis=(0, 1))
    np.testing.assert_array_equal(out[1, 2], np.round(block))


def test_halving_is_drawn_for_a_share_of_the_images_whose_grains_stay_large_enough():
    import tensorflow as tf

    def share(area: float) -> float:
        target = tf.constant(np.log10(area), tf.float32)
        draws = [
            bool(halve_chosen(target, tf.constant([k, 5 * k + 2], tf.int64))) for k in range(400)
        ]
        return float(np.mean(draws))

    assert share(4 * HALVE_MIN_AREA_PX * 0.9) == 0.0  # a quarter of it would be too small
    assert share(4 * HALVE_MIN_AREA_PX * 1.1) == pytest.approx(HALVE_SHARE, abs=0.07)
    assert share(1e5) == pytest.approx(HALVE_SHARE, abs=0.07)


def test_halved_images_come_in_batches_of_their_own_with_a_quarter_of_the_area(tmp_path):
    """The dark square's area in every image, halved or not, is its target; small squares
    (whose quarter would be under HALVE_MIN_AREA_PX) are never halved."""
    rows = []
    for side, name in ((32, "big"), (12, "small")):
        path = tmp_path / f"{name}.png"
        Image.fromarray(_square_image(64, 96, side)).save(path)
        rows += [ManifestRow(str(path), "fine", "reference", side * side, 4.5, 1.0)] * 40

    def batches():
        ds = make_dataset(rows, 64, 96, 8, shuffle_seed=3, augment=True, invert=False, halve=True)
        return [(x.numpy(), y.numpy()) for x, y in ds]

    first = batches()
    seen = {}
    for x, y in first:
        assert x.shape[1:3] in ((64, 96), (32, 48))  # one size per batch
        for image, target in zip(x[..., 0].astype(float), y, strict=True):
            middle = (image.min() + image.max()) / 2
            dark = (image < middle).sum()
            assert np.log10(dark) == pytest.approx(target, abs=0.03)
            key = ("halved" if x.shape[1] == 32 else "full", "big" if dark > 200 else "small")
            seen[key] = seen.get(key, 0) + 1
    assert sum(seen.values()) == 80
    assert 4 <= seen[("halved", "big")] <= 18 and ("halved", "small") not in seen
    assert all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(first, batches(), strict=True)
    )


@pytest.mark.parametrize("levels", ["as-given", "stretched"])
def test_a_small_training_run_writes_model_metadata_and_history(tmp_path, capsys, levels):
    rows = _images(tmp_path, 8)
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, rows)
    settings = TrainingSettings(epochs=2, batch_size=4, early_stopping_patience=0, levels=levels)
    out = tmp_path / "model"
    meta = train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 4.5)
    assert json.loads((out / "m.json").read_text()) == meta
    assert GrainSizeClasses.from_json(meta["classes"]) == CLASSES
    assert meta["reference_pixel_size_um"] == 4.5 and meta["epochs_run"] == 2
    assert meta["levels"] == levels  # prediction reads images as they were trained on
    assert meta["train_images"] + meta["validation_images"] == 16
    history = read_csv(out / "h.csv")
    assert [r["epoch"] for r in history] == ["1", "2"]
    # Each epoch's training speed is in the log, not in the (repeatable) history.
    rates = re.findall(r"^epoch (\d): (\d+) training images in [\d.]+ s \(\d+ images/s\)$",
                       capsys.readouterr().out, re.MULTILINE)  # fmt: skip
    assert rates == [("1", str(meta["train_images"])), ("2", str(meta["train_images"]))]
    assert sorted(p.name for p in out.iterdir()) == ["h.csv", "m.json", "m.keras"]


def test_training_with_halved_batches_runs_and_repeats_itself(tmp_path, capsys):
    """Batches of two image sizes go through one fit; the same seed gives the same history.
    Images whose half would be below the network's least side (28 px) are never halved."""
    halving = TrainingSettings(epochs=2, batch_size=4, early_stopping_patience=0, halve=True)
    plain = TrainingSettings(epochs=2, batch_size=4, early_stopping_patience=0)

    def run(name: str, size: tuple[int, int], settings: TrainingSettings) -> str:
        folder = tmp_path / f"{size[0]}x{size[1]}"
        if not folder.exists():
            folder.mkdir()
            write_manifest(folder / "train.csv", _images(folder, 8, size=size))
        out = folder / name
        train(folder / "train.csv", CLASSES, size[1], size[0], settings, 1, out / "m.keras",
              out / "h.csv", 4.5)  # fmt: skip
        return (out / "h.csv").read_text()

    history = run("a", (64, 56), halving)
    assert len(read_csv(tmp_path / "64x56" / "a" / "h.csv")) == 2
    assert run("b", (64, 56), halving) == history
    assert run("plain", (64, 56), plain) != history  # some images were halved
    capsys.readouterr()
    # 48x32 halved is 24x16: training goes on, every image at full size, and says so.
    assert run("small", (48, 32), halving) == run("small-plain", (48, 32), plain)
    assert "none is halved" in capsys.readouterr().out


def test_bfloat16_training_repeats_itself_and_saves_a_float32_model(tmp_path, capsys):
    rows = _images(tmp_path, 6)
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, rows)

    def run(name: str, precision: str) -> tuple[dict, str]:
        settings = TrainingSettings(
            epochs=2, batch_size=4, early_stopping_patience=0, precision=precision
        )
        out = tmp_path / name
        meta = train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 1.0)
        return meta, (out / "h.csv").read_text()

    (meta, history), (_, again), (plain, other) = (
        run("a", "bfloat16"),
        run("b", "bfloat16"),
        run("c", "float32"),
    )
    assert history == again  # same seed, same arithmetic: the same run
    assert history != other  # the arithmetic did change
    assert (meta["training_precision"], plain["training_precision"]) == ("bfloat16", "float32")
    log = capsys.readouterr().out
    assert "training precision: bfloat16 (training.precision)" in log
    saved = load(tmp_path / "a" / "m.keras")
    assert {layer.compute_dtype for layer in saved.layers[1:]} == {"float32"}


def test_a_wider_network_trains_in_bfloat16_and_is_saved_as_wide_in_float32(tmp_path):
    """The float32 model the weights move into after bfloat16 training has the same width."""
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, _images(tmp_path, 6))
    settings = TrainingSettings(
        epochs=1, batch_size=4, early_stopping_patience=0, precision="bfloat16", width=2
    )
    out = tmp_path / "wide"
    meta = train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 1.0)
    saved = load(out / "m.keras")
    assert meta["width"] == 2 and saved.get_layer("patches").filters == 32
    assert {layer.compute_dtype for layer in saved.layers[1:]} == {"float32"}


def test_a_replicate_trains_from_another_seed_on_the_same_images_and_split(tmp_path):
    rows = _images(tmp_path, 6)
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, rows)
    settings = TrainingSettings(epochs=1, batch_size=4, early_stopping_patience=0)

    def run(name: str, **kwargs) -> tuple[dict, str]:
        out = tmp_path / name
        meta = train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 1.0,
                     **kwargs)  # fmt: skip
        return meta, (out / "h.csv").read_text()

    (first, history), (again, same), (other, moved) = (
        run("a"),
        run("b", replicate=0),
        run("c", replicate=2),
    )
    assert history == same and first == again  # replicate 0 is the run's own training
    assert history != moved  # another seed: other weights, order and augmentation
    assert (first["replicate"], other["replicate"]) == (0, 2)
    for key in ("train_images", "validation_images", "train_styles"):
        assert other[key] == first[key]  # the same images and validation hold-out


def test_the_cosine_schedule_falls_from_the_rate_to_one_percent_over_all_steps():
    settings = TrainingSettings(epochs=4, learning_rate=2e-3, schedule="cosine")
    optimiser, callbacks = optimiser_and_callbacks(settings, steps_per_epoch=10)
    assert callbacks == []

    def rate_at(step: int) -> float:  # the rate Adam uses at the optimiser's step count
        optimiser.iterations.assign(step)
        return float(optimiser.learning_rate)

    assert rate_at(0) == pytest.approx(2e-3)
    assert rate_at(20) == pytest.approx(2e-3 * (0.01 + 0.99 * 0.5), rel=1e-5)
    assert rate_at(40) == pytest.approx(2e-5, rel=1e-5)
    rates = [rate_at(step) for step in range(41)]
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))  # falling all the way


def test_the_plateau_schedule_halves_a_constant_rate_when_validation_stalls():
    settings = TrainingSettings(learning_rate=1e-3, schedule="plateau", min_delta=0.01)
    optimiser, callbacks = optimiser_and_callbacks(settings, steps_per_epoch=10)
    assert float(optimiser.learning_rate) == pytest.approx(1e-3)
    [slower] = callbacks
    settings_seen = (slower.monitor, slower.factor, slower.patience, slower.min_delta)
    assert settings_seen == ("val_loss", 0.5, 2, 0.01)
    with pytest.raises(ValueError, match="allowed: cosine, plateau"):
        optimiser_and_callbacks(TrainingSettings(schedule="step"), steps_per_epoch=10)


def test_diverging_training_stops_with_one_line_and_writes_nothing(tmp_path):
    rows = _images(tmp_path, 8)
    manifest = tmp_path / "train.csv"
    write_manifest(manifest, rows)
    settings = TrainingSettings(epochs=3, batch_size=4, learning_rate=1e9, augment=False)
    out = tmp_path / "model"
    with pytest.raises(TrainingDivergedError) as info:
        train(manifest, CLASSES, 32, 48, settings, 1, out / "m.keras", out / "h.csv", 4.5)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("training diverged:") and "training.learning_rate" in message
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("history", "weights"),
    [
        ({"loss": [0.5, float("nan")], "val_loss": [0.4, 0.3]}, [np.ones(2)]),
        ({"loss": [0.5], "val_loss": [float("inf")]}, [np.ones(2)]),
        ({"loss": [0.5], "val_loss": [0.4]}, [np.array([1.0, float("nan")])]),
    ],
)
def test_check_finite_rejects_any_non_finite_loss_or_weight(history, weights):
    with pytest.raises(TrainingDivergedError):
        check_finite(history, weights, 1e-3)
    check_finite({"loss": [0.5], "val_loss": [0.4]}, [np.ones(2)], 1e-3)
