using System.Text;

namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// Turns discovered targets into scrape targets for one job, as Prometheus's scrape/target.go does:
/// the job's defaults fill <c>job</c>, <c>__scheme__</c>, <c>__metrics_path__</c>, <c>__param_*</c>,
/// <c>__scrape_interval__</c>, <c>__scrape_timeout__</c> where discovery left them empty; then
/// <c>relabel_configs</c> run; then a target without <c>__address__</c>, with a <c>/</c> in it, or with
/// a bad interval or timeout is dropped with a reason; <c>__meta_*</c> labels go, <c>instance</c>
/// defaults to the address, and the other <c>__</c> labels become the scrape settings.
/// </summary>
/// <remarks>Reuses one label builder: one instance per thread (a grain's).</remarks>
public sealed class TargetBuilder
{
    private readonly LabelSetBuilder _labels = new(32);

    public TargetBuilder(ScrapeJobDefaults job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Job = job;
    }

    public ScrapeJobDefaults Job { get; }

    /// <summary>
    /// Builds the target for <paramref name="targetLabels"/> (one discovered target) in a group whose
    /// common labels are <paramref name="groupLabels"/> (a target's own label wins).
    /// </summary>
    public TargetBuildResult Build(LabelSet targetLabels, LabelSet? groupLabels = null)
    {
        var lb = _labels;
        lb.Reset(targetLabels);
        if (groupLabels is not null)
        {
            foreach (var label in groupLabels)
            {
                if (!targetLabels.Contains(label.Name))
                {
                    lb.Set(label.Name, label.Value);
                }
            }
        }

        SetIfEmpty(lb, RelabelLabels.Job, Job.JobName);
        SetIfEmpty(lb, RelabelLabels.ScrapeInterval, PrometheusDuration.Format(Job.ScrapeInterval));
        SetIfEmpty(lb, RelabelLabels.ScrapeTimeout, PrometheusDuration.Format(Job.ScrapeTimeout));
        SetIfEmpty(lb, RelabelLabels.MetricsPath, Job.MetricsPath);
        SetIfEmpty(lb, RelabelLabels.Scheme, Job.Scheme);
        foreach (var (name, values) in Job.Params)
        {
            if (values.Count > 0)
            {
                SetIfEmpty(lb, RelabelLabels.ParamPrefix + name, values[0]);
            }
        }

        var discovered = lb.ToLabelSet();
        if (!Relabeler.Process(lb, Job.RelabelRules))
        {
            return TargetBuildResult.Dropped(discovered);
        }

        var address = lb.Get(RelabelLabels.Address);
        if (address.Length == 0)
        {
            return TargetBuildResult.Failed(discovered, "no address");
        }

        var scheme = lb.Get(RelabelLabels.Scheme);
        if (Job.AddDefaultPort && NeedsPort(address))
        {
            switch (scheme)
            {
                case "http" or "":
                    address += ":80";
                    break;
                case "https":
                    address += ":443";
                    break;
                default:
                    return TargetBuildResult.Failed(discovered, $"invalid scheme: \"{scheme}\"");
            }

            lb.Set(RelabelLabels.Address, address);
        }

        if (address.Contains('/', StringComparison.Ordinal))
        {
            return TargetBuildResult.Failed(discovered, $"\"{address}\" is not a valid hostname");
        }

        var intervalText = lb.Get(RelabelLabels.ScrapeInterval);
        if (!PrometheusDuration.TryParse(intervalText, out var interval, out var error))
        {
            return TargetBuildResult.Failed(discovered, $"error parsing scrape interval: {error}");
        }

        if (interval == TimeSpan.Zero)
        {
            return TargetBuildResult.Failed(discovered, "scrape interval cannot be 0");
        }

        var timeoutText = lb.Get(RelabelLabels.ScrapeTimeout);
        if (!PrometheusDuration.TryParse(timeoutText, out var timeout, out error))
        {
            return TargetBuildResult.Failed(discovered, $"error parsing scrape timeout: {error}");
        }

        if (timeout == TimeSpan.Zero)
        {
            return TargetBuildResult.Failed(discovered, "scrape timeout cannot be 0");
        }

        if (timeout > interval)
        {
            return TargetBuildResult.Failed(discovered, $"scrape timeout cannot be greater than scrape interval (\"{timeoutText}\" > \"{intervalText}\")");
        }

        lb.RemoveWhere(static (name, _) => name.StartsWith(RelabelLabels.MetaPrefix, StringComparison.Ordinal), 0);
        SetIfEmpty(lb, RelabelLabels.Instance, address);
        for (var i = 0; i < lb.Count; i++)
        {
            if (!LabelNames.IsValidValue(lb.ValueAt(i)))
            {
                return TargetBuildResult.Failed(discovered, $"invalid label value for \"{lb.NameAt(i)}\": \"{lb.ValueAt(i)}\"");
            }
        }

        var labels = lb.ToLabelSet();
        var parameters = Parameters(labels);
        var path = lb.Get(RelabelLabels.MetricsPath);
        return TargetBuildResult.Kept(new ScrapeTarget
        {
            Url = Url(scheme, address, path, parameters),
            Scheme = scheme,
            Address = address,
            MetricsPath = path,
            Params = parameters,
            ScrapeInterval = interval,
            ScrapeTimeout = timeout,
            TargetLabels = labels,
            Labels = labels.WithoutReserved(),
            DiscoveredLabels = discovered,
        });
    }

    private static void SetIfEmpty(LabelSetBuilder labels, string name, string value)
    {
        if (labels.Get(name).Length == 0)
        {
            labels.Set(name, value);
        }
    }

    /// <summary>The job's parameters with each <c>__param_&lt;name&gt;</c> label as the first value of its name, sorted by name.</summary>
    private List<KeyValuePair<string, string>> Parameters(LabelSet labels)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in Job.Params)
        {
            byName[name] = [.. values];
        }

        foreach (var label in labels)
        {
            if (!label.Name.StartsWith(RelabelLabels.ParamPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = label.Name[RelabelLabels.ParamPrefix.Length..];
            if (byName.TryGetValue(name, out var values) && values.Count > 0)
            {
                values[0] = label.Value;
            }
            else
            {
                byName[name] = [label.Value];
            }
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in byName)
        {
            foreach (var value in values)
            {
                result.Add(new(name, value));
            }
        }

        return result;
    }

    /// <summary><c>scheme://address/path?query</c>, the path and query escaped as Go's net/url escapes them.</summary>
    public static string Url(string scheme, string address, string path, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var url = new StringBuilder();
        url.Append(scheme).Append("://").Append(address);
        if (path.Length > 0 && path[0] != '/')
        {
            url.Append('/');
        }

        Escape(url, path, query: false);
        for (var i = 0; i < parameters.Count; i++)
        {
            url.Append(i == 0 ? '?' : '&');
            Escape(url, parameters[i].Key, query: true);
            url.Append('=');
            Escape(url, parameters[i].Value, query: true);
        }

        return url.ToString();
    }

    private static void Escape(StringBuilder url, string text, bool query)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c < 0x80 && (char.IsAsciiLetterOrDigit((char)c) || c is '-' or '_' or '.' or '~' ||
                (!query && c is '$' or '&' or '+' or ',' or '/' or ':' or ';' or '=' or '@')))
            {
                url.Append((char)c);
                continue;
            }

            if (query && c == ' ')
            {
                url.Append('+');
                continue;
            }

            var length = rune.EncodeToUtf8(bytes);
            for (var b = 0; b < length; b++)
            {
                url.Append('%').Append(bytes[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Prometheus 2's test: no port can be split off, but one could be appended (so not a malformed IPv6 address).</summary>
    private static bool NeedsPort(string address) => !SplitsHostPort(address) && SplitsHostPort(address + ":1234");

    // Go's net.SplitHostPort, answering only whether it succeeds.
    private static bool SplitsHostPort(string hostport)
    {
        var colon = hostport.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        int hostStart = 0, afterHost = 0;
        if (hostport.StartsWith('['))
        {
            var close = hostport.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 != colon)
            {
                return false;
            }

            hostStart = 1;
            afterHost = close + 1;
        }
        else if (hostport.AsSpan(0, colon).Contains(':'))
        {
            return false;
        }

        return !hostport.AsSpan(hostStart).Contains('[') && !hostport.AsSpan(afterHost).Contains(']');
    }
}
