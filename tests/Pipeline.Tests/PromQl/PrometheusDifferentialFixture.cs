using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.Scraping.Relabeling;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.PromQl;

/// <summary>
/// One real Prometheus 2.42 for the differential test class, holding <see cref="DifferentialDataSet"/>
/// sent by remote_write, and the same samples in an <see cref="InMemorySeriesSource"/> for our engine.
/// </summary>
public sealed class PrometheusDifferentialFixture : IAsyncLifetime
{
    private PrometheusProcess? _prometheus;

    public DifferentialDataSet Data { get; private set; } = null!;

    public InMemorySeriesSource Source { get; private set; } = null!;

    public PromQlEngine Engine { get; } = new();

    public PrometheusProcess Prometheus => _prometheus ?? throw new InvalidOperationException("prometheus is not running");

    public async Task InitializeAsync()
    {
        if (!File.Exists(PrometheusFactAttribute.Binary))
        {
            return;
        }

        // The last hour, in time order: inside the head block's appendable window.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var start = (now / DifferentialDataSet.Interval * DifferentialDataSet.Interval) - (DifferentialDataSet.Steps * DifferentialDataSet.Interval) - 120_000;
        Data = new DifferentialDataSet(start);
        Source = new InMemorySeriesSource(Data.Series);
        _prometheus = await PrometheusProcess.StartAsync();

        var samples = new List<RemoteWriteSample>();
        foreach (var series in Data.Series)
        {
            var labels = series.Labels.Select(l => new RemoteWriteLabel(l.Name, l.Value)).ToArray();
            for (var i = 0; i < series.Count; i++)
            {
                samples.Add(new RemoteWriteSample(labels, series.TimestampsMs[i], series.Values[i]));
            }
        }

        samples.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
        using var encoder = new RemoteWriteRequestEncoder();
        for (var i = 0; i < samples.Count; i += 2000)
        {
            var batch = samples.GetRange(i, Math.Min(2000, samples.Count - i)).ToArray();
            var body = encoder.Encode(batch).ToArray();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(RemoteWriteConstants.ContentType);
            content.Headers.ContentEncoding.Add(RemoteWriteConstants.ContentEncoding);
            using var request = new HttpRequestMessage(HttpMethod.Post, Prometheus.RemoteWriteUrl) { Content = content };
            request.Headers.Add(RemoteWriteConstants.VersionHeader, RemoteWriteConstants.Version);
            using var response = await Prometheus.Http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"remote write answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }
    }

    /// <summary>Prometheus's answer to an instant query, parsed.</summary>
    public async Task<QueryAnswer> PrometheusInstantAsync(string query, long timeMs) =>
        QueryAnswer.Parse(await GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}&time={Seconds(timeMs)}"));

    /// <summary>Prometheus's answer to a range query, parsed.</summary>
    public async Task<QueryAnswer> PrometheusRangeAsync(string query, long startMs, long endMs, long stepMs) =>
        QueryAnswer.Parse(await GetAsync($"/api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(startMs)}&end={Seconds(endMs)}&step={Seconds(stepMs)}"));

    /// <summary>Our engine's answer, written as our HTTP API will write it and parsed the same way.</summary>
    public async Task<QueryAnswer> OursAsync(Func<Task<PromQlResult>> run)
    {
        try
        {
            return QueryAnswer.Parse(PromQlJsonWriter.ToJson(await run()));
        }
        catch (PromQlException e)
        {
            return new QueryAnswer(e.ErrorType, e.Message, null, []);
        }
    }

    /// <summary>Prometheus's answer body, unparsed.</summary>
    public Task<string> PrometheusRawAsync(string pathAndQuery) => GetAsync(pathAndQuery);

    private async Task<string> GetAsync(string path)
    {
        using var response = await Prometheus.Http.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>A query answer in a form both engines' JSON parse into: an error type, or the result type and its series.</summary>
public sealed record QueryAnswer(string? ErrorType, string? Error, string? ResultType, List<(LabelSet Labels, List<(long TimeMs, double Value)> Points)> Series)
{
    public static QueryAnswer Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            return new QueryAnswer(root.GetProperty("errorType").GetString(), root.GetProperty("error").GetString(), null, []);
        }

        var data = root.GetProperty("data");
        var type = data.GetProperty("resultType").GetString()!;
        var result = data.GetProperty("result");
        var series = new List<(LabelSet, List<(long, double)>)>();
        switch (type)
        {
            case "vector":
                foreach (var element in result.EnumerateArray())
                {
                    series.Add((Labels(element), [Point(element.GetProperty("value"))]));
                }

                break;
            case "matrix":
                foreach (var element in result.EnumerateArray())
                {
                    series.Add((Labels(element), [.. element.GetProperty("values").EnumerateArray().Select(Point)]));
                }

                break;
            case "scalar":
                series.Add((LabelSet.Empty, [Point(result)]));
                break;
        }

        return new QueryAnswer(null, null, type, series);
    }

    private static LabelSet Labels(JsonElement element) =>
        LabelSet.From(element.GetProperty("metric").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)));

    private static (long, double) Point(JsonElement pair)
    {
        var value = pair[1].GetString()!;
        var parsed = value switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(value, CultureInfo.InvariantCulture),
        };
        return ((long)Math.Round(pair[0].GetDouble() * 1000), parsed);
    }

    /// <summary>Why two answers differ, or null when they agree: same error type, or the same series (in order when <paramref name="ordered"/>) with the same times and values within <paramref name="tolerance"/> relative.</summary>
    public string? Difference(QueryAnswer other, bool ordered, double tolerance = 1e-9)
    {
        if (ErrorType is not null || other.ErrorType is not null)
        {
            return ErrorType == other.ErrorType ? null : $"error {ErrorType ?? "none"} ({Error}) vs {other.ErrorType ?? "none"} ({other.Error})";
        }

        if (ResultType != other.ResultType)
        {
            return $"result type {ResultType} vs {other.ResultType}";
        }

        var mine = ordered ? Series : [.. Series.OrderBy(s => s.Labels, LabelSetOrder.Instance)];
        var theirs = ordered ? other.Series : [.. other.Series.OrderBy(s => s.Labels, LabelSetOrder.Instance)];
        if (mine.Count != theirs.Count)
        {
            return $"{mine.Count} series vs {theirs.Count}: [{string.Join(", ", mine.Select(s => s.Labels))}] vs [{string.Join(", ", theirs.Select(s => s.Labels))}]";
        }

        for (var i = 0; i < mine.Count; i++)
        {
            if (mine[i].Labels != theirs[i].Labels)
            {
                return $"series {i}: {mine[i].Labels} vs {theirs[i].Labels}";
            }

            if (mine[i].Points.Count != theirs[i].Points.Count)
            {
                return $"{mine[i].Labels}: {mine[i].Points.Count} points vs {theirs[i].Points.Count}";
            }

            for (var j = 0; j < mine[i].Points.Count; j++)
            {
                var (ta, a) = mine[i].Points[j];
                var (tb, b) = theirs[i].Points[j];
                if (ta != tb || !Close(a, b, tolerance))
                {
                    return $"{mine[i].Labels} point {j}: ({ta}, {a:R}) vs ({tb}, {b:R})";
                }
            }
        }

        return null;
    }

    private static bool Close(double a, double b, double tolerance) =>
        (double.IsNaN(a) && double.IsNaN(b)) || a == b || Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b));
}
