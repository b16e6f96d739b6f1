namespace Pipeline.Tests.Support;

/// <summary>Waits for a condition the system reaches on its own, failing with a description after a generous deadline.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        var limit = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(60));
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"Gave up waiting for {what}; last seen: {last}");
            }

            await Task.Delay(50);
            last = await probe();
        }

        return last;
    }
}
