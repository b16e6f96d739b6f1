namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// When a target is scraped: at <c>hash mod interval</c> past each multiple of the interval since the
/// Unix epoch. The slots depend only on the target's key and interval, so a target keeps its place in
/// the interval when its grain moves to another silo, and targets spread evenly over the interval.
/// </summary>
public readonly record struct ScrapeSchedule(TimeSpan Interval, TimeSpan Offset)
{
    public static ScrapeSchedule For(ulong targetKey, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new(interval, TimeSpan.FromTicks((long)(targetKey % (ulong)interval.Ticks)));
    }

    /// <summary>The first slot strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now) => SlotStart(SlotOf(now) + 1);

    /// <summary>The number of the slot <paramref name="at"/> falls in (slot n runs from its start to the next one's).</summary>
    public long SlotOf(DateTimeOffset at)
    {
        var since = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks - Offset.Ticks;
        return since >= 0 ? since / Interval.Ticks : ((since + 1) / Interval.Ticks) - 1;
    }

    public DateTimeOffset SlotStart(long slot) => new(DateTimeOffset.UnixEpoch.UtcTicks + Offset.Ticks + (slot * Interval.Ticks), TimeSpan.Zero);
}
