using Pipeline.Grains.Scraping;
using Pipeline.Grains.Scraping.Pool;
using Xunit;

namespace Pipeline.Tests.Scraping.Pool;

public sealed class ScrapeLoopTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The system clock moved by <see cref="Offset"/>: behind it, every timer fires before the clock reaches the
    /// time it was set for; moved ahead during a scrape, the scrape took that long.
    /// </summary>
    private sealed class OffsetClock(TimeSpan offset) : TimeProvider
    {
        public TimeSpan Offset { get; set; } = offset;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task Each_slot_is_scraped_once_and_never_before_it_starts_even_when_timers_wake_early(int lagMs)
    {
        var clock = new OffsetClock(-TimeSpan.FromMilliseconds(lagMs));
        var schedule = ScrapeSchedule.For(0x1234_5678_9ABC_DEF0UL, Interval);
        var starts = new List<DateTimeOffset>();
        using var stop = new CancellationTokenSource();

        var loop = ScrapeLoop.RunAsync(
            _ =>
            {
                starts.Add(clock.GetUtcNow());
                if (starts.Count == 6)
                {
                    stop.Cancel();
                }

                return Task.FromResult(new ScrapeReport(clock.GetUtcNow(), TimeSpan.Zero, null, 0, 0, 0));
            },
            schedule,
            clock,
            _ => { },
            stop.Token);
        await loop;

        var slots = starts.Select(schedule.SlotOf).ToList();
        Assert.Equal(slots.Distinct().Count(), slots.Count);
        Assert.All(starts.Zip(slots), p => Assert.True(p.First >= schedule.SlotStart(p.Second)));
    }

    [Fact]
    public async Task A_scrape_that_overruns_skips_the_slots_it_covered()
    {
        var schedule = ScrapeSchedule.For(42, Interval);
        var clock = new OffsetClock(TimeSpan.Zero);
        var slots = new List<long>();
        using var stop = new CancellationTokenSource();
        var loop = ScrapeLoop.RunAsync(
            _ =>
            {
                slots.Add(schedule.SlotOf(clock.GetUtcNow()));
                if (slots.Count == 1)
                {
                    // The first scrape takes two and a half intervals.
                    clock.Offset += Interval * 2.5;
                }
                else if (slots.Count == 3)
                {
                    stop.Cancel();
                }

                return Task.FromResult(new ScrapeReport(clock.GetUtcNow(), TimeSpan.Zero, null, 0, 0, 0));
            },
            schedule,
            clock,
            _ => { },
            stop.Token);
        await loop;

        // The first scrape ran over two slots and more: they are not caught up with a burst.
        Assert.True(slots[1] - slots[0] >= 3, $"slots {string.Join(",", slots)}");
        // Then one scrape per slot again: a later slot (a timer late on a loaded machine may skip one), never the same.
        Assert.True(slots[2] > slots[1], $"slots {string.Join(",", slots)}");
    }
}
