"""`microcnn predict`: good images, bad files, odd formats; one line per failure, no traceback."""

import csv
import io
import shutil

import pytest

from microcnn.cli import main


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_cli_answers_good_files_and_reports_bad_ones(images, saved_model, capsys):
    args = [str(images / n) for n in ("good.png", "empty.png", "truncated.png", "grey16.png")]
    code = main(["predict", *args, str(images / "missing.png"), "--model", str(saved_model)])
    out, err = capsys.readouterr()
    assert code == 1
    rows = _rows(out)
    assert [r["path"] for r in rows] == [args[0], args[3]]
    assert set(rows[0]) == {"path", "label", "probability", "p_coarse", "p_fine"}
    for row in rows:
        assert row["label"] in ("coarse", "fine")
        assert float(row["probability"]) == pytest.approx(float(row[f"p_{row['label']}"]))
        assert float(row["p_coarse"]) + float(row["p_fine"]) == pytest.approx(1, abs=1e-5)
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert any(line.startswith(f"error: {args[1]}: empty file") for line in lines)
    assert any(line.startswith(f"error: {args[2]}: corrupt or truncated") for line in lines)
    assert any("missing.png: no such file" in line for line in lines)
    assert lines[-1] == "3 of 5 inputs failed"


def test_cli_folder_is_searched_recursively(images, saved_model, capsys, tmp_path):
    out_csv = tmp_path / "predictions.csv"
    code = main(["predict", str(images), "--model", str(saved_model), "--output", str(out_csv)])
    _, err = capsys.readouterr()
    rows = _rows(out_csv.read_text())
    names = sorted(r["path"].rsplit("/", 1)[-1] for r in rows)
    assert names == ["deep.jpg", "good.png", "grey16.png", "rgba.png", "small.png"]
    assert code == 1  # empty, text and truncated .png files failed
    assert "warning: " in err and "small.png: resized from 150x100 to 432x288" in err
    assert "notes.txt" not in err
    assert err.count("error: ") == 3


def test_cli_all_good_exits_zero(images, saved_model, capsys, tmp_path):
    folder = tmp_path / "ok"
    folder.mkdir()
    for k in range(70):  # more than one prediction batch
        shutil.copy(images / "good.png", folder / f"{k:02d}.png")
    assert main(["predict", str(folder), "--model", str(saved_model)]) == 0
    out, err = capsys.readouterr()
    rows = _rows(out)
    assert len(rows) == 70 and len({r["p_fine"] for r in rows}) == 1
    assert err == ""


def test_cli_missing_model(images, tmp_path, capsys):
    code = main(["predict", str(images / "good.png"), "--model", str(tmp_path / "none.keras")])
    assert code == 2
    assert "cannot load model" in capsys.readouterr().err
