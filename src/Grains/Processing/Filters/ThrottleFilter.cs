using System.Text;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Drops records beyond a tenant's rate (see <see cref="ThrottleFilterOptions"/>) with one token
/// bucket per limit and tenant, refilled from an injected <see cref="TimeProvider"/>. Buckets start
/// full. A record passes only when every configured bucket can pay for it, and then pays all; a
/// dropped record costs nothing. The chain counts drops per tenant.
/// </summary>
public sealed class ThrottleFilter : ILogFilter
{
    private readonly ThrottleFilterOptions _options;
    private readonly TimeProvider _time;
    private readonly double? _recordsPerSecond;
    private readonly double? _bytesPerSecond;
    private readonly Dictionary<string, Buckets> _tenants = new(StringComparer.Ordinal);

    /// <param name="options">The configured limits, for a whole tenant.</param>
    /// <param name="shardsPerTenant">Aggregator shards sharing the tenant's limit; each enforces its share.</param>
    /// <param name="time">The clock buckets refill by.</param>
    public ThrottleFilter(ThrottleFilterOptions options, int shardsPerTenant, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsPerTenant, 1);
        _options = options;
        _time = time;
        Selector = options.Selector;
        _recordsPerSecond = options.RecordsPerSecond / shardsPerTenant;
        _bytesPerSecond = options.BytesPerSecond / shardsPerTenant;
    }

    public string Type => ThrottleFilterOptions.TypeName;

    public FilterSelector Selector { get; }

    /// <summary>Records this instance dropped since it was made.</summary>
    public long Dropped { get; private set; }

    public FilterVerdict Apply(LogEvent record)
    {
        var now = _time.GetTimestamp();
        if (!_tenants.TryGetValue(record.Tenant, out var buckets))
        {
            buckets = new Buckets(this, now);
            _tenants[record.Tenant] = buckets;
        }

        var bytes = 0;
        if (_bytesPerSecond is not null)
        {
            bytes = record.TryGetOriginalLogUtf8(out var utf8) ? utf8.Length : record.Log is { } log ? Encoding.UTF8.GetByteCount(log) : 0;
        }

        if (!buckets.TryTake(now, bytes))
        {
            Dropped++;
            return FilterVerdict.Drop;
        }

        return FilterVerdict.Keep;
    }

    private sealed class Buckets
    {
        private TokenBucket _records;
        private TokenBucket _bytes;
        private readonly bool _limitRecords;
        private readonly bool _limitBytes;

        public Buckets(ThrottleFilter owner, long now)
        {
            var window = owner._options.Window.TotalSeconds;
            var frequency = owner._time.TimestampFrequency;
            if (owner._recordsPerSecond is { } records)
            {
                _limitRecords = true;
                _records = new TokenBucket(records, records * window, now, frequency);
            }

            if (owner._bytesPerSecond is { } bytes)
            {
                _limitBytes = true;
                _bytes = new TokenBucket(bytes, bytes * window, now, frequency);
            }
        }

        public bool TryTake(long now, int bytes)
        {
            if (_limitRecords)
            {
                _records.Refill(now);
                if (!_records.CanTake(1))
                {
                    return false;
                }
            }

            if (_limitBytes)
            {
                _bytes.Refill(now);
                if (!_bytes.CanTake(Math.Max(bytes, 1)))
                {
                    return false;
                }

                _bytes.Take(bytes);
            }

            if (_limitRecords)
            {
                _records.Take(1);
            }

            return true;
        }
    }
}
