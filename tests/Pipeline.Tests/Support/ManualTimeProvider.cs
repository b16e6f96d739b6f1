namespace Pipeline.Tests.Support;

/// <summary>A clock that moves only when the test says so: flush intervals, rotate waits and retry delays pass without sleeping.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero))
    {
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public long NowUnixNanos => (_now.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>The current time; tests may also set it directly.</summary>
    public DateTimeOffset Now { get => _now; set => _now = value; }

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public void Advance(TimeSpan by) => _now += by;
}
