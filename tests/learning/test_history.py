"""Training curves: history.csv read back and drawn."""

from PIL import Image

from microcnn.learning.history import plot_history, read_history

HISTORY = (
    "epoch,log10_area_error,loss,val_log10_area_error,val_loss\n"
    "1,0.5,0.7,0.5,0.69\n2,0.09,-0.3,0.08,-0.4\n"
)


def test_read_history(tmp_path):
    (tmp_path / "h.csv").write_text(HISTORY)
    history = read_history(tmp_path / "h.csv")
    assert history["epoch"] == [1.0, 2.0] and history["val_loss"] == [0.69, -0.4]


def test_plot_history(tmp_path):
    (tmp_path / "h.csv").write_text(HISTORY)
    plot_history(tmp_path / "h.csv", tmp_path / "plots" / "loss.png", kept_epoch=2)
    with Image.open(tmp_path / "plots" / "loss.png") as image:
        assert image.format == "PNG" and image.size == (1000, 400)
