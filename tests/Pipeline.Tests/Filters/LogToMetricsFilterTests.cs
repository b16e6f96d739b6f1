using Pipeline.Grains.Processing;
using Pipeline.Grains.Processing.Filters;
using Pipeline.Grains.Telemetry;
using Pipeline.Silo.Http;
using Xunit;

namespace Pipeline.Tests.Filters;

public sealed class LogToMetricsFilterTests : IDisposable
{
    private readonly FilterMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    // Metric names are unique per test: every test's meter is called Pipeline and the exporter sees them all.
    private ILogFilter ToMetrics(string keys) => FilterYaml.Single($"""
        logs:
          filters:
            - type: log_to_metrics
        {keys}
        """, _metrics);

    private static Dictionary<string, (double Value, long Count)> Series(IReadOnlyList<LogMetricSeries> series) =>
        series.ToDictionary(s => string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")), s => (s.Value, s.Count));

    [Fact]
    public void A_counter_counts_matching_records_per_label_set_and_keeps_them()
    {
        var filter = ToMetrics("""
                  metric_name: requests_by_level
                  metric_description: Records by level
                  label_field: [level, "app=kubernetes.labels.app"]
            """);

        var records = new[]
        {
            TestRecords.WithFields("""{"level":"info","kubernetes":{"labels":{"app":"cart"}}}"""),
            TestRecords.WithFields("""{"level":"info","kubernetes":{"labels":{"app":"cart"}}}"""),
            TestRecords.WithFields("""{"level":"error","kubernetes":{"labels":{"app":"cart"}}}"""),
            TestRecords.WithFields("""{"kubernetes":{"labels":{"app":"web"}}}"""),
        };
        Assert.All(records, r => Assert.Equal(FilterVerdict.Keep, filter.Apply(r)));

        var series = Series(_metrics.Registry.Snapshot("log_metric_counter_requests_by_level"));
        Assert.Equal(3, series.Count);
        Assert.Equal((2d, 2L), series["level=info,app=cart"]);
        Assert.Equal((1d, 1L), series["level=error,app=cart"]);
        Assert.Equal((1d, 1L), series["level=,app=web"]);
        Assert.Equal(4, _metrics.Sum("log_metric_counter_requests_by_level"));
        Assert.Equal(2, _metrics.Sum("log_metric_counter_requests_by_level", ("level", "info"), ("app", "cart")));
    }

    [Fact]
    public void Regex_and_exclude_choose_the_records_that_count()
    {
        var filter = ToMetrics("""
                  metric_name: errors_counted
                  regex: level ^error$
                  exclude: log healthz
            """);

        filter.Apply(TestRecords.WithFields("""{"level":"error"}""", "db down"));
        filter.Apply(TestRecords.WithFields("""{"level":"error"}""", "healthz failed"));
        filter.Apply(TestRecords.WithFields("""{"level":"info"}""", "ok"));

        var only = Assert.Single(_metrics.Registry.Snapshot("log_metric_counter_errors_counted"));
        Assert.Equal(1, only.Value);
        Assert.Empty(only.Labels);
    }

    [Fact]
    public void A_gauge_keeps_the_last_value_and_kubernetes_mode_adds_the_pod_labels()
    {
        var filter = ToMetrics("""
                  metric_mode: gauge
                  metric_name: queue_depth
                  value_field: queue.depth
                  kubernetes_mode: on
                  add_label: queue $queue['name']
            """);

        filter.Apply(TestRecords.WithFields("""{"queue":{"name":"orders","depth":7}}"""));
        filter.Apply(TestRecords.WithFields("""{"queue":{"name":"orders","depth":"3.5"}}"""));

        var series = Assert.Single(_metrics.Registry.Snapshot("log_metric_gauge_queue_depth"));
        Assert.Equal(3.5, series.Value);
        Assert.Equal(2, series.Count);
        Assert.Equal(
            ["namespace_name=shop", "pod_name=web-1", "container_name=main", "docker_id=0123456789ab", "pod_id=6b1c0f4e-pod", "queue=orders"],
            series.Labels.Select(l => $"{l.Key}={l.Value}"));
    }

    [Fact]
    public void A_histogram_sums_its_observations_and_a_record_without_a_number_is_counted_as_a_problem()
    {
        var filter = ToMetrics("""
                  metric_mode: histogram
                  metric_name: request_seconds
                  value_field: duration
                  bucket: [0.1, 1, 10]
            """);

        filter.Apply(TestRecords.WithFields("""{"duration":0.05}"""));
        filter.Apply(TestRecords.WithFields("""{"duration":2}"""));
        filter.Apply(TestRecords.WithFields("""{"duration":"fast"}"""));
        filter.Apply(TestRecords.WithFields("""{"other":1}"""));

        var series = Assert.Single(_metrics.Registry.Snapshot("log_metric_histogram_request_seconds"));
        Assert.Equal(2.05, series.Value, 10);
        Assert.Equal(2, series.Count);
        Assert.Equal(2, _metrics.Problems("log_to_metrics", "value_not_a_number"));
    }

    [Fact]
    public void Discard_logs_drops_every_record_after_counting()
    {
        var filter = ToMetrics("""
                  metric_name: discarded_lines
                  metric_namespace: ""
                  metric_subsystem: app
                  discard_logs: true
            """);

        Assert.Equal(FilterVerdict.Drop, filter.Apply(TestRecords.Message("a")));
        Assert.Equal(1, Assert.Single(_metrics.Registry.Snapshot("app_discarded_lines")).Value);
    }

    [Fact]
    public void Beyond_max_series_new_label_sets_are_not_recorded_and_are_counted_as_problems()
    {
        var filter = ToMetrics("""
                  metric_name: capped_users
                  label_field: user
                  max_series: 2
            """);

        foreach (var user in new[] { "a", "b", "c", "a" })
        {
            filter.Apply(TestRecords.WithFields($$"""{"user":"{{user}}"}"""));
        }

        var series = Series(_metrics.Registry.Snapshot("log_metric_counter_capped_users"));
        Assert.Equal(["user=a", "user=b"], series.Keys.Order());
        Assert.Equal(2, series["user=a"].Value);
        Assert.Equal(1, _metrics.Problems("log_to_metrics", "too_many_series"));
    }

    [Fact]
    public void Filters_of_every_activation_feed_one_series_set_per_silo()
    {
        const string yaml = """
            logs:
              filters:
                - type: log_to_metrics
                  metric_name: shared_lines
                  label_field: kubernetes.namespace_name
            """;
        var first = FilterYaml.Single(yaml, _metrics);
        var second = FilterYaml.Single(yaml, _metrics);

        first.Apply(TestRecords.Message("a"));
        second.Apply(TestRecords.Message("b"));

        Assert.Equal(2, Assert.Single(_metrics.Registry.Snapshot("log_metric_counter_shared_lines")).Value);
    }

    [Fact]
    public void The_prometheus_exporter_renders_counter_gauge_and_histogram_series()
    {
        using var exporter = new PrometheusMetricsExporter(PipelineMetrics.MeterName);
        var filters = FilterYaml.Build("""
            logs:
              filters:
                - type: log_to_metrics
                  metric_name: exported_errors
                  metric_description: Error lines
                  label_field: level
                - type: log_to_metrics
                  metric_mode: gauge
                  metric_name: exported_depth
                  value_field: depth
                - type: log_to_metrics
                  metric_mode: histogram
                  metric_name: exported_latency_ms
                  value_field: ms
                  bucket: 10, 100, 1000
            """, _metrics);

        foreach (var fields in new[] { """{"level":"error","depth":4,"ms":20}""", """{"level":"error","depth":9,"ms":500}""", """{"level":"warn","depth":2,"ms":5}""" })
        {
            var record = TestRecords.WithFields(fields);
            foreach (var filter in filters)
            {
                Assert.Equal(FilterVerdict.Keep, filter.Apply(record));
            }
        }

        var text = exporter.Render();

        Assert.Contains("# HELP log_metric_counter_exported_errors_total Error lines\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE log_metric_counter_exported_errors_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_counter_exported_errors_total{level=\"error\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_counter_exported_errors_total{level=\"warn\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE log_metric_gauge_exported_depth gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_gauge_exported_depth 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE log_metric_histogram_exported_latency_ms histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_bucket{le=\"10\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_bucket{le=\"100\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_bucket{le=\"1000\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_bucket{le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_sum 525\n", text, StringComparison.Ordinal);
        Assert.Contains("log_metric_histogram_exported_latency_ms_count 3\n", text, StringComparison.Ordinal);
    }
}
