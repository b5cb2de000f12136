"""The soak's verdict on synthetic samples (the soak itself runs on demand, not here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tests.benchmarks.soak import Sample, Summary, summarize

# A 10-minute run sampled every 5 s: warm-up 60 s, then the first and last minute compared.
WARMUP, WINDOW = 60.0, 60.0


def run(change: Callable[[Sample], Sample] = lambda sample: sample) -> list[Sample]:
    steady = Sample(
        seconds=0.0,
        window_rss_mb=300.0,
        child_rss_mb=120.0,
        window_fds=40,
        child_fds=25,
        window_threads=12,
        child_threads=8,
        lateness_max_ms=6.0,
        late_ticks=0,
        store_events=1_000_000,
    )
    return [change(replace(steady, seconds=5.0 * (i + 1))) for i in range(120)]


def verdicts(summary: Summary) -> dict[str, bool | None]:
    return {
        verdict.target.split(":")[0].split(" <=")[0]: verdict.passed for verdict in summary.verdicts
    }


def test_a_steady_run_passes_every_target() -> None:
    summary = summarize(run(), warmup_s=WARMUP, window_s=WINDOW)

    assert summary.passed
    assert set(verdicts(summary)) == {
        "GUI max lateness",
        "window RSS growth",
        "listener child RSS growth",
        "window open fds",
        "child open fds",
        "window threads",
        "child threads",
    }
    assert "overall: PASS" in summary.text()


def test_rss_growth_is_measured_between_medians_of_the_first_and_last_windows() -> None:
    # The window grows 20 % over the run; the child spikes once at the very end only.
    def grow(sample: Sample) -> Sample:
        child = 200.0 if sample.seconds == 600.0 else 120.0
        return replace(
            sample, window_rss_mb=300.0 * (1 + 0.2 * sample.seconds / 600), child_rss_mb=child
        )

    summary = summarize(run(grow), warmup_s=WARMUP, window_s=WINDOW)

    found = verdicts(summary)
    assert found["window RSS growth"] is False
    assert found["listener child RSS growth"] is True
    assert not summary.passed


def test_a_descriptor_leak_fails_and_a_worker_that_comes_and_goes_does_not() -> None:
    def leak_and_flicker(sample: Sample) -> Sample:
        tick = int(sample.seconds / 5)
        return replace(sample, window_fds=40 + tick // 10, window_threads=12 + tick % 2)

    found = verdicts(summarize(run(leak_and_flicker), warmup_s=WARMUP, window_s=WINDOW))

    assert found["window open fds"] is False
    assert found["window threads"] is True


def test_one_late_tick_anywhere_in_the_run_fails_the_lateness_target() -> None:
    def stall(sample: Sample) -> Sample:
        if sample.seconds == 30.0:  # during the warm-up: "throughout" includes it
            return replace(sample, lateness_max_ms=51.0, late_ticks=1)
        return sample

    summary = summarize(run(stall), warmup_s=WARMUP, window_s=WINDOW)

    assert verdicts(summary)["GUI max lateness"] is False
    assert "max 51.0 ms (at 30 s); 1 ticks over the limit" in summary.text()


def test_a_listener_child_that_went_away_fails() -> None:
    def gone(sample: Sample) -> Sample:
        if sample.seconds > 300:
            return replace(sample, child_rss_mb=-1.0, child_fds=-1, child_threads=-1)
        return sample

    found = verdicts(summarize(run(gone), warmup_s=WARMUP, window_s=WINDOW))

    assert found["listener child RSS growth"] is False
    assert found["child open fds"] is False
    assert found["child threads"] is False


def test_a_run_too_short_to_compare_is_not_measured_and_does_not_pass() -> None:
    summary = summarize(run()[:20], warmup_s=WARMUP, window_s=WINDOW)

    assert None in verdicts(summary).values()
    assert not summary.passed
    assert "NOT MEASURED" in summary.text()
    assert "overall: FAIL" in summary.text()


def test_retention_passes_show_as_drops_in_the_store_count() -> None:
    def sawtooth(sample: Sample) -> Sample:
        tick = int(sample.seconds / 5)
        return replace(sample, store_events=1_000_000 + 600 * (tick % 5))

    summary = summarize(run(sawtooth), warmup_s=WARMUP, window_s=WINDOW)

    assert "max 1,002,400" in summary.text()
    assert "24 samples found the count lower than the one before" in summary.text()
