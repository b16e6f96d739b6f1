using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Support;

/// <summary>
/// Fake clocks for unit tests: a <see cref="FakeTimeProvider"/>, whose time and timers
/// (<c>Task.Delay</c>, <c>CancellationTokenSource</c> deadlines, <c>PeriodicTimer</c>) move only
/// when the test advances it, so waits pass without sleeping. Records a test stamps must come from
/// the same clock (see <see cref="ContainerLogFile"/>), never from the process clock.
/// </summary>
public static class TestClock
{
    /// <summary>Where a fake clock starts unless the test says otherwise; nothing compares it with the process clock.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Create(DateTimeOffset? start = null) => new(start ?? Start);

    /// <summary>The clock's time in Unix nanoseconds, as log records carry it.</summary>
    public static long UnixNanos(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return (time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }
}
