namespace Pipeline.Benchmarks.MetricStore;

/// <summary>A clock the bench moves with the data it writes, so 6 hours of samples take seconds and retention sees data time.</summary>
internal sealed class SimulatedClock(long nowMs) : TimeProvider
{
    public long NowMs { get; set; } = nowMs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
