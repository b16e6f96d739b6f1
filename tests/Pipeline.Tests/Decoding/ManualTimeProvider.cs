namespace Pipeline.Tests.Decoding;

/// <summary>A clock that moves only when told to; timestamps are its UTC ticks.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public long NowUnixNanos => (_now.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public void Advance(TimeSpan by) => _now += by;
}
