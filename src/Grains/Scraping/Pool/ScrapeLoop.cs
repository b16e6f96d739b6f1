namespace Pipeline.Grains.Scraping.Pool;

/// <summary>Runs a target's scrapes at the slots of its <see cref="ScrapeSchedule"/>, once per slot, until cancelled.</summary>
public static class ScrapeLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task<ScrapeReport>> scrape,
        ScrapeSchedule schedule,
        TimeProvider time,
        Action<ScrapeReport> scraped,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(scraped);

        // Counted by slot, not by clock reading, so a slot is never scraped twice.
        var slot = schedule.SlotOf(time.GetUtcNow()) + 1;
        while (!cancellation.IsCancellationRequested)
        {
            // A timer may wake before the wall clock reaches the slot (timers and the clock are different
            // sources): it waits out the rest, so a scrape never starts before its slot.
            for (var wait = schedule.SlotStart(slot) - time.GetUtcNow(); wait > TimeSpan.Zero; wait = schedule.SlotStart(slot) - time.GetUtcNow())
            {
                await Task.Delay(wait, time, cancellation);
            }

            scraped(await scrape(cancellation));

            // A scrape that overran into later slots skips them rather than catching up, as Prometheus's ticker does.
            slot = Math.Max(slot + 1, schedule.SlotOf(time.GetUtcNow()) + 1);
        }
    }
}
