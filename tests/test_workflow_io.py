"""Helpers of the workflow's script entry points: logs that catch C-level output."""

import os

import pytest

from microcnn.workflow_io import log_to


def test_log_to_captures_python_and_file_descriptor_output(tmp_path, capfd):
    log = tmp_path / "logs" / "job.log"
    with log_to(log):
        print("from python")
        os.write(2, b"from C\n")  # what a C++ library writes to stderr
    assert capfd.readouterr().err == ""
    text = log.read_text()
    assert "from python" in text and "from C" in text


def test_log_to_records_the_traceback_and_reraises(tmp_path):
    log = tmp_path / "job.log"
    with pytest.raises(ValueError), log_to(log):
        raise ValueError("bad value")
    assert "Traceback" in log.read_text() and "bad value" in log.read_text()
