namespace Pipeline.Grains.Logging;

/// <summary>
/// Failures in a row of something that is retried (a store, a watch): a retry loop logs the first one with its
/// stack trace and the following ones as one line with the cause, so an outage reads as a line per retry rather
/// than a screenful. A success ends the streak. Safe to use from several threads.
/// </summary>
public sealed class FailureStreak
{
    private long _failures;

    /// <summary>Failures since the last success.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Counts a failure; true for the first of a streak (the one to log with its stack trace).</summary>
    public bool Fail() => Interlocked.Increment(ref _failures) == 1;

    /// <summary>Ends the streak; true when there was one (a recovery worth a line).</summary>
    public bool Succeed() => Interlocked.Exchange(ref _failures, 0) > 0;
}
