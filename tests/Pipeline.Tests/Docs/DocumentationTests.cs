using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Grains.Discovery;
using Pipeline.Grains.Metrics.Containers;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Telemetry;
using Pipeline.Silo.Http;
using Pipeline.Tests.Containers;
using Xunit;

namespace Pipeline.Tests.Docs;

/// <summary>What the README and docs/*.md tell a newcomer to type or look for is what the product takes and shows.</summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public void Every_pipeline_metric_the_docs_name_is_exported_under_that_name()
    {
        var exported = ExportedNames();

        var wrong = DocumentFiles()
            .SelectMany(file => MetricName().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Name: m.Value)))
            .Where(m => m.Name != "pipeline_flags" && !exported.Contains(m.Name))
            .Select(m => $"{m.File}: {m.Name}")
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(wrong.Count == 0, "not exported under these names (a counter ends in _total):\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void Every_exported_pipeline_metric_is_listed_in_the_operations_guide()
    {
        var operations = File.ReadAllText(Path.Combine(Root, "docs", "OPERATIONS.md"));

        var missing = ExportedNames()
            .Where(n => n.StartsWith("pipeline_", StringComparison.Ordinal) && !n.EndsWith("_bucket", StringComparison.Ordinal) && !n.EndsWith("_sum", StringComparison.Ordinal) && !n.EndsWith("_count", StringComparison.Ordinal))
            .Where(n => !operations.Contains(n, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, "exported at /metrics but not in docs/OPERATIONS.md:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Curl_commands_with_brackets_or_braces_in_the_url_turn_off_curls_globbing()
    {
        var broken = DocumentFiles()
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetFileName(file), Line: i + 1, Text: line)))
            .Where(l => CurlCommand().IsMatch(l.Text))
            .Where(l => QuotedUrl().Matches(l.Text).Any(u => u.Value.AsSpan().IndexOfAny("[]{}") >= 0))
            .Where(l => !l.Text.Contains(" -g ", StringComparison.Ordinal) && !l.Text.Contains("--globoff", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(broken.Count == 0, "curl reads [ ] { } in a URL as ranges (\"curl: (3) bad range in URL\"); add -g or use --data-urlencode:\n" + string.Join('\n', broken));
    }

    /// <summary>The names <c>/metrics</c> shows for every instrument the silo creates (histograms with their three series).</summary>
    private static HashSet<string> ExportedNames()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var exporter = new PrometheusMetricsExporter(PipelineMetrics.MeterName);
        _ = new PipelineMetrics(meters);
        _ = new ScrapeMetrics(meters);
        _ = new DiscoveryMetrics(meters, PipelineMetrics.MeterName);
        _ = new ContainerMetricsTelemetry(meters, new ContainerMetricsCollector(new ContainerMetricsOptions(), new RecordingSampleSink()), "node-1");
        using var remoteWrite = new RemoteWriteMetrics(PipelineMetrics.MeterName, "receiver", new Uri("http://receiver:9090/api/v1/write"), meters, () => 0, 1);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in exporter.Render().Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts is ["#", "TYPE", var name, var kind])
            {
                names.Add(name);
                if (kind == "histogram")
                {
                    names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                }
            }
        }

        return names;
    }

    private static IEnumerable<string> DocumentFiles() =>
        [Path.Combine(Root, "README.md"), .. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\bpipeline_[a-z_]+[a-z]")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(^|\s|`)curl\s")]
    private static partial Regex CurlCommand();

    [GeneratedRegex(@"'https?://[^']*'|""https?://[^""]*""|(?<=\s)https?://\S+")]
    private static partial Regex QuotedUrl();
}
