namespace Pipeline.Grains.RemoteWrite;

/// <summary>
/// Retry delays of one request: <c>min_backoff</c> doubling up to <c>max_backoff</c>, each with
/// jitter (between half and all of the step, never under <c>min_backoff</c>) so shards that
/// failed together do not retry together. A server's <c>Retry-After</c> replaces the step.
/// </summary>
internal struct RemoteWriteBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private TimeSpan _step;

    public RemoteWriteBackoff(TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max < min ? min : max;
        _step = min;
    }

    /// <summary>The delay before the next attempt, given the server's <c>Retry-After</c> if any.</summary>
    public TimeSpan Next(TimeSpan? retryAfter, double random)
    {
        var step = _step;
        _step = step * 2 > _max ? _max : step * 2;
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after;
        }

        var jittered = step * (0.5 + (0.5 * random));
        return jittered < _min ? _min : jittered;
    }
}
