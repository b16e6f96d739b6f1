namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Tokens that refill at a steady rate up to a capacity. A take succeeds while the bucket is not
/// empty and may leave it in debt (a record larger than what is left still passes, and the debt is
/// paid back before the next one), so the long-run rate holds however large single records are.
/// </summary>
internal struct TokenBucket
{
    private readonly double _ratePerSecond;
    private readonly double _ticksPerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _updated;

    public TokenBucket(double ratePerSecond, double capacity, long now, long ticksPerSecond)
    {
        _ratePerSecond = ratePerSecond;
        _ticksPerSecond = ticksPerSecond;
        _capacity = Math.Max(capacity, 1);
        _tokens = _capacity;
        _updated = now;
    }

    /// <summary>Refills for the time since the last call; a clock going backwards adds nothing.</summary>
    public void Refill(long now)
    {
        if (now > _updated)
        {
            // Multiply before dividing: whole seconds of a whole rate refill exactly.
            _tokens = Math.Min(_capacity, _tokens + ((now - _updated) * _ratePerSecond / _ticksPerSecond));
            _updated = now;
        }
    }

    /// <summary>Whether <paramref name="cost"/> may be taken now (at least one token for a record, any for bytes).</summary>
    public readonly bool CanTake(double cost) => cost <= 1 ? _tokens >= cost : _tokens > 0;

    public void Take(double cost) => _tokens -= cost;
}
