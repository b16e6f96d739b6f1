using Pipeline.Grains.Scraping.Pool;
using Xunit;

namespace Pipeline.Tests.Scraping.Pool;

public sealed class ScrapeScheduleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_offset_is_the_target_hash_modulo_the_interval()
    {
        const ulong key = 0xDEADBEEFCAFEBABEUL;
        var schedule = ScrapeSchedule.For(key, Interval);

        // Worked out by hand: 0xDEADBEEFCAFEBABE = 16,045,690,984,503,098,046
        // = 106,971,273,230 × 150,000,000 (15 s in ticks) + 3,098,046. The key is above 2^63, so a
        // signed conversion before the modulo would show here as a negative or different offset.
        Assert.Equal(TimeSpan.FromTicks(3_098_046), schedule.Offset);
        Assert.InRange(schedule.Offset, TimeSpan.Zero, Interval - TimeSpan.FromTicks(1));
    }

    [Fact]
    public void Slots_are_one_interval_apart_at_the_offset_past_each_multiple_of_the_interval()
    {
        var schedule = new ScrapeSchedule(Interval, TimeSpan.FromSeconds(4));
        var now = DateTimeOffset.Parse("2026-11-25T12:00:01Z", System.Globalization.CultureInfo.InvariantCulture);

        var first = schedule.NextAfter(now);
        var second = schedule.NextAfter(first);

        Assert.Equal(DateTimeOffset.Parse("2026-11-25T12:00:04Z", System.Globalization.CultureInfo.InvariantCulture), first);
        Assert.Equal(first + Interval, second);
        Assert.Equal(schedule.SlotOf(first) + 1, schedule.SlotOf(second));
        Assert.Equal(schedule.SlotOf(first), schedule.SlotOf(second - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Many_targets_spread_over_the_whole_interval()
    {
        var offsets = Enumerable.Range(0, 1000)
            .Select(i => ScrapeSchedule.For(System.IO.Hashing.XxHash64.HashToUInt64(BitConverter.GetBytes(i)), Interval).Offset)
            .ToList();

        // Ten buckets of 1.5 s each hold about a tenth of the targets.
        var buckets = offsets.GroupBy(o => (int)(o.Ticks * 10 / Interval.Ticks)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, buckets.Count);
        Assert.All(buckets.Values, count => Assert.InRange(count, 60, 140));
    }
}
