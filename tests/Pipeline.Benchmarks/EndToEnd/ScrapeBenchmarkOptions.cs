using System.Globalization;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>The options of the <c>scrape</c> bench command, with their defaults.</summary>
internal sealed class ScrapeBenchmarkOptions
{
    public const int DefaultTargets = 200;
    public const int DefaultSeries = 2500;
    public const int DefaultVersions = 4;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);

    /// <summary>Scrape targets (<c>--targets</c>), each on its own port.</summary>
    public int Targets { get; init; } = DefaultTargets;

    /// <summary>Series (sample lines) per target (<c>--series</c>).</summary>
    public int Series { get; init; } = DefaultSeries;

    /// <summary>Pre-generated bodies per target, served in turn (<c>--versions</c>).</summary>
    public int Versions { get; init; } = DefaultVersions;

    /// <summary><c>scrape_interval</c> of both systems (<c>--interval</c>).</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>The measured window (<c>--duration</c>), after the first full round arrived and the warm-up.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>From the first full round delivered to the window's start (<c>--warmup</c>); two intervals and at least 10 s by default.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>How long a started system sits with all targets answering 503 before its idle RSS is read (<c>--idle</c>).</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(10);

    public bool RunOurs { get; init; } = true;

    public bool RunPrometheus { get; init; } = true;

    /// <summary>Bench (targets + receiver) on CPU 0, the measured system on CPU 1 (<c>--pin yes|no</c>).</summary>
    public bool Pin { get; init; } = true;

    /// <summary>Niceness of this process and of the measured scraper (<c>--nice</c>); 0 leaves them as started.</summary>
    public int Niceness { get; init; } = -10;

    public string PrometheusBinary { get; init; } = "/usr/bin/prometheus";

    /// <summary>
    /// Whether the silo keeps its embedded metric store (<c>--store on|off</c>). Off by default: Prometheus
    /// runs in agent mode, which keeps no queryable store either, so both only scrape and remote_write.
    /// </summary>
    public bool Store { get; init; }

    public long ActiveSeries => (long)Targets * Series;

    public static ScrapeBenchmarkOptions Parse(string[] args)
    {
        var interval = ParseDuration(Text(args, "--interval"), DefaultInterval);
        var only = Text(args, "--only") ?? "both";
        if (only is not ("both" or "ours" or "prometheus"))
        {
            throw new ArgumentException($"--only {only}: expected ours, prometheus or both");
        }

        return new ScrapeBenchmarkOptions
        {
            Targets = Int(Text(args, "--targets"), DefaultTargets),
            Series = Int(Text(args, "--series"), DefaultSeries),
            Versions = Int(Text(args, "--versions"), DefaultVersions),
            Interval = interval,
            Duration = ParseDuration(Text(args, "--duration"), DefaultDuration),
            Warmup = ParseDuration(Text(args, "--warmup"), TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(10).Ticks, 2 * interval.Ticks))),
            Idle = ParseDuration(Text(args, "--idle"), TimeSpan.FromSeconds(10)),
            RunOurs = only != "prometheus",
            RunPrometheus = only != "ours",
            Pin = (Text(args, "--pin") ?? "yes") != "no",
            Niceness = Int(Text(args, "--nice"), -10),
            PrometheusBinary = Text(args, "--prometheus") ?? "/usr/bin/prometheus",
            Store = (Text(args, "--store") ?? "off") == "on",
        };
    }

    /// <summary>A duration as Prometheus writes it: 1m, 10s, 500ms.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalSeconds}s") : string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalMilliseconds}ms");

    private static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string? text, int fallback) => text is null ? fallback : int.Parse(text, CultureInfo.InvariantCulture);

    private static TimeSpan ParseDuration(string? text, TimeSpan fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return TimeSpan.FromSeconds(double.Parse(number, CultureInfo.InvariantCulture) * unit);
    }
}
