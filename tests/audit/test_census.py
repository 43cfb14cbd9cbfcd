"""The signature census: each mutant diagnosed in a worker, one that hangs stopped."""
from katas import catalogue
from katas.audit import census


def test_the_census_diagnoses_each_mutant_and_stops_one_that_hangs(tmp_path):
    source = catalogue.reference_source("net")
    first = '    W1, b1, W2, b2 = params["W1"]'
    hang = source.replace(first, "    while True:\n        pass\n" + first)
    assert hang != source
    jobs = [{"name": "hangs", "source": hang},
            {"name": "unscaled", "source": source.replace("    dscores /= N  #", "    pass  #")},
            {"name": "broken", "source": "def loss(:\n"}]
    results = census.diagnose_all(jobs, tmp_path, timeout=0.5)
    assert results[0]["signature"] is None and "did not finish within 0.5 s" in results[0]["error"]
    assert results[1]["signature"] == "uniform_scale" and results[1]["factor_tracks"] == "N"
    assert results[2]["signature"] == "crash" and "does not load" in results[2]["evidence"]
    assert list(tmp_path.iterdir()) == []  # nothing written where the workers run
