using System.Buffers;
using System.Text.Json;
using Pipeline.Grains.Metrics;
using Pipeline.Grains.Metrics.PromQl;
using Pipeline.Grains.Metrics.Query;
using Pipeline.Grains.Tenancy;

namespace Pipeline.Silo.Http;

/// <summary>
/// The query half of Prometheus's HTTP API, what Grafana's Prometheus data source calls:
/// <c>/api/v1/query</c>, <c>/api/v1/query_range</c>, <c>/api/v1/series</c>, <c>/api/v1/labels</c>,
/// <c>/api/v1/label/&lt;name&gt;/values</c> and <c>/api/v1/metadata</c>, by GET or by a form POST, with
/// Prometheus's answer and error shapes. Queries read the whole cluster (<see cref="ClusterSeriesSource"/>:
/// every silo selects from its own store, this one merges and evaluates). Series span tenants, so with
/// tokens configured only an admin token may query.
/// </summary>
public static class PrometheusQueryEndpoints
{
    /// <summary>The range <c>/api/v1/series</c> and the label endpoints read when no start or end is given (Prometheus reads all time).</summary>
    private static readonly TimeSpan DefaultLabelRange = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapPrometheusQueries(this IEndpointRouteBuilder app)
    {
        foreach (var (path, handler) in new (string, Func<HttpContext, QueryContext, Task>)[]
        {
            ("/api/v1/query", InstantAsync),
            ("/api/v1/query_range", RangeAsync),
            ("/api/v1/series", SeriesAsync),
            ("/api/v1/labels", LabelNamesAsync),
            ("/api/v1/label/{name}/values", LabelValuesAsync),
            ("/api/v1/metadata", MetadataAsync),
        })
        {
            app.MapMethods(path, ["GET", "POST"], (HttpContext http, ClusterSeriesSource source, PromQlEngine engine, TenantDirectory tenants, TimeProvider clock) =>
                RunAsync(http, tenants, new QueryContext(source, engine, clock), handler));
        }

        return app;
    }

    private static async Task RunAsync(HttpContext http, TenantDirectory tenants, QueryContext context, Func<HttpContext, QueryContext, Task> handler)
    {
        if (!await BearerAuth.AuthorizeAdminAsync(http, tenants, "metrics"))
        {
            return;
        }

        try
        {
            await handler(http, context);
        }
        catch (PromQlException e)
        {
            await WriteErrorAsync(http, e.HttpStatus, e.ErrorType, e.Message);
        }
    }

    private static async Task InstantAsync(HttpContext http, QueryContext context)
    {
        var parameters = await ParametersAsync(http);
        var query = Required(parameters, "query");
        var time = PromQlHttpParameters.ParseTimeMs(parameters.Get("time"), "time", context.NowMs);
        using var timeout = Timeout(parameters, http.RequestAborted);
        var result = await context.Engine.InstantQueryAsync(context.Source, query, time, timeout.Token);
        await WriteAsync(http, output => PromQlJsonWriter.WriteSuccess(output, result));
    }

    private static async Task RangeAsync(HttpContext http, QueryContext context)
    {
        var parameters = await ParametersAsync(http);
        var query = Required(parameters, "query");
        var start = PromQlHttpParameters.ParseTimeMs(Required(parameters, "start"), "start", 0);
        var end = PromQlHttpParameters.ParseTimeMs(Required(parameters, "end"), "end", 0);
        if (end < start)
        {
            throw new PromQlException(PromQlErrorType.BadData, "invalid parameter \"end\": end timestamp must not be before start time");
        }

        var step = PromQlHttpParameters.ParseDurationMs(Required(parameters, "step"), "step");
        if (step <= 0)
        {
            throw new PromQlException(PromQlErrorType.BadData, "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        if ((end - start) / step > PromQlEngineOptions.MaxPointsPerSeries)
        {
            throw new PromQlException(PromQlErrorType.BadData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        using var timeout = Timeout(parameters, http.RequestAborted);
        var result = await context.Engine.RangeQueryAsync(context.Source, query, start, end, step, timeout.Token);
        await WriteAsync(http, output => PromQlJsonWriter.WriteSuccess(output, result));
    }

    private static async Task SeriesAsync(HttpContext http, QueryContext context)
    {
        var parameters = await ParametersAsync(http);
        var selectors = parameters.GetAll("match[]");
        if (selectors.Count == 0)
        {
            throw new PromQlException(PromQlErrorType.BadData, "no match[] parameter provided");
        }

        var (start, end) = Range(parameters, context);
        var found = new Dictionary<Pipeline.Grains.Scraping.Relabeling.LabelSet, bool>();
        foreach (var matchers in selectors.Select(Selector))
        {
            foreach (var series in await context.Source.SelectAsync(matchers, start, end, http.RequestAborted))
            {
                found[series.Labels] = true;
            }
        }

        await WriteAsync(http, output =>
        {
            using var json = Begin(output);
            json.WriteStartArray("data");
            foreach (var labels in found.Keys.Order(LabelSetOrder.Instance))
            {
                json.WriteStartObject();
                foreach (var label in labels)
                {
                    json.WriteString(label.Name, label.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static async Task LabelNamesAsync(HttpContext http, QueryContext context)
    {
        var parameters = await ParametersAsync(http);
        var (start, end) = Range(parameters, context);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var matchers in Selections(parameters))
        {
            names.UnionWith(await context.Source.LabelNamesAsync(matchers, start, end, http.RequestAborted));
        }

        await WriteStringsAsync(http, names);
    }

    private static async Task LabelValuesAsync(HttpContext http, QueryContext context)
    {
        var name = (string)http.GetRouteValue("name")!;
        if (name.StartsWith("U__", StringComparison.Ordinal))
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid label name: \"{name}\" (UTF-8 escaped names are not supported)");
        }

        var parameters = await ParametersAsync(http);
        var (start, end) = Range(parameters, context);
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var matchers in Selections(parameters))
        {
            values.UnionWith(await context.Source.LabelValuesAsync(name, matchers, start, end, http.RequestAborted));
        }

        await WriteStringsAsync(http, values);
    }

    /// <summary>
    /// <c>/api/v1/metadata?metric=&amp;limit=</c>: the type, help and unit of every metric family the
    /// cluster's scrapers and collectors saw, each distinct description of a family once.
    /// </summary>
    private static async Task MetadataAsync(HttpContext http, QueryContext context)
    {
        var parameters = await ParametersAsync(http);
        var limit = -1;
        if (parameters.Get("limit") is { Length: > 0 } text && !int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out limit))
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"limit\": cannot parse \"{text}\" to a valid integer");
        }

        var families = await context.Source.MetadataAsync(parameters.Get("metric") is { Length: > 0 } metric ? metric : null, limit);
        await WriteAsync(http, output =>
        {
            using var json = Begin(output);
            json.WriteStartObject("data");
            foreach (var (family, descriptions) in families)
            {
                json.WriteStartArray(family);
                foreach (var description in descriptions)
                {
                    json.WriteStartObject();
                    json.WriteString("type", description.Type);
                    json.WriteString("help", description.Help);
                    json.WriteString("unit", description.Unit);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    private static readonly IReadOnlyList<LabelMatcher>? NoMatchers = null;

    private static IEnumerable<IReadOnlyList<LabelMatcher>?> Selections(Parameters parameters)
    {
        var selectors = parameters.GetAll("match[]");
        if (selectors.Count == 0)
        {
            return [NoMatchers];
        }

        return selectors.Select(s => (IReadOnlyList<LabelMatcher>?)Selector(s));
    }

    /// <summary>A <c>match[]</c> selector: a PromQL vector selector, at least one matcher that is not empty-matching.</summary>
    private static IReadOnlyList<LabelMatcher> Selector(string text)
    {
        if (PromQlParser.Parse(text) is not VectorSelectorExpr selector)
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"match[]\": \"{text}\" is not a series selector");
        }

        if (selector.Matchers.All(m => m.MatchesEmpty))
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"match[]\": vector selector must contain at least one non-empty matcher");
        }

        return selector.Matchers;
    }

    private static (long Start, long End) Range(Parameters parameters, QueryContext context)
    {
        var end = PromQlHttpParameters.ParseTimeMs(parameters.Get("end"), "end", context.NowMs);
        var start = PromQlHttpParameters.ParseTimeMs(parameters.Get("start"), "start", end - (long)DefaultLabelRange.TotalMilliseconds);
        return (start, end);
    }

    private static CancellationTokenSource Timeout(Parameters parameters, CancellationToken aborted)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        if (parameters.Get("timeout") is { Length: > 0 } timeout)
        {
            source.CancelAfter(TimeSpan.FromMilliseconds(PromQlHttpParameters.ParseDurationMs(timeout, "timeout")));
        }

        return source;
    }

    private static string Required(Parameters parameters, string name) =>
        parameters.Get(name) is { Length: > 0 } value
            ? value
            : throw new PromQlException(PromQlErrorType.BadData, $"invalid parameter \"{name}\": parameter is missing");

    /// <summary>The query string's parameters and, for a form POST, the form's (Prometheus reads both).</summary>
    private static async Task<Parameters> ParametersAsync(HttpContext http)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var (key, items) in http.Request.Query)
        {
            values.AddRange(items.Select(v => new KeyValuePair<string, string>(key, v ?? string.Empty)));
        }

        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            foreach (var (key, items) in form)
            {
                values.AddRange(items.Select(v => new KeyValuePair<string, string>(key, v ?? string.Empty)));
            }
        }

        return new Parameters(values);
    }

    private static async Task WriteStringsAsync(HttpContext http, IEnumerable<string> values) =>
        await WriteAsync(http, output =>
        {
            using var json = Begin(output);
            json.WriteStartArray("data");
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static Utf8JsonWriter Begin(IBufferWriter<byte> output)
    {
        var json = PromQlJsonWriter.CreateWriter(output);
        json.WriteStartObject();
        json.WriteString("status", "success");
        return json;
    }

    private static async Task WriteAsync(HttpContext http, Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string errorType, string message)
    {
        http.Response.StatusCode = status;
        await WriteAsync(http, output => PromQlJsonWriter.WriteError(output, errorType, message));
    }

    private sealed record QueryContext(ClusterSeriesSource Source, PromQlEngine Engine, TimeProvider Clock)
    {
        public long NowMs => Clock.GetUtcNow().ToUnixTimeMilliseconds();
    }

    private sealed class Parameters(List<KeyValuePair<string, string>> values)
    {
        public string? Get(string name) => values.FirstOrDefault(v => v.Key == name).Value;

        public List<string> GetAll(string name) => [.. values.Where(v => v.Key == name).Select(v => v.Value)];
    }
}
