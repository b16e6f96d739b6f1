using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// Answers PromQL instant and range queries over an <see cref="ISeriesSource"/> with Prometheus 2.42's
/// semantics: lookback window [t − lookback, t], staleness markers ending a series, ranges
/// [t − range, t], results of a range query merged per series and sorted by labels.
/// </summary>
/// <remarks>
/// Not an Orleans type: the grain or HTTP endpoint that owns a query hands in the source and maps
/// <see cref="PromQlException.ErrorType"/> to the HTTP status.
/// </remarks>
public sealed class PromQlEngine
{
    private readonly PromQlEngineOptions _options;

    public PromQlEngine(PromQlEngineOptions? options = null) => _options = options ?? new PromQlEngineOptions();

    /// <summary>Evaluates <paramref name="query"/> at <paramref name="timeMs"/>.</summary>
    public async Task<PromQlResult> InstantQueryAsync(ISeriesSource source, string query, long timeMs, CancellationToken cancellation)
    {
        var expr = PromQlParser.Parse(query);
        return await RunAsync(source, expr, timeMs, timeMs, 0, instant: true, cancellation).ConfigureAwait(false);
    }

    /// <summary>Evaluates <paramref name="query"/> at start, start + step, … up to end; the answer is always a matrix.</summary>
    public async Task<PromQlResult> RangeQueryAsync(ISeriesSource source, string query, long startMs, long endMs, long stepMs, CancellationToken cancellation)
    {
        if (endMs < startMs)
        {
            throw new PromQlException(PromQlErrorType.BadData, "end timestamp must not be before start time");
        }

        if (stepMs <= 0)
        {
            throw new PromQlException(PromQlErrorType.BadData, "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        if ((endMs - startMs) / stepMs > PromQlEngineOptions.MaxPointsPerSeries)
        {
            throw new PromQlException(PromQlErrorType.BadData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        var expr = PromQlParser.Parse(query);
        if (expr.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
        {
            throw new PromQlException(PromQlErrorType.BadData, $"invalid expression type \"{PromQlParser.TypeName(expr.Type)}\" for range query, must be Scalar or instant Vector");
        }

        return await RunAsync(source, expr, startMs, endMs, stepMs, instant: false, cancellation).ConfigureAwait(false);
    }

    private async Task<PromQlResult> RunAsync(ISeriesSource source, PromQlExpr expr, long startMs, long endMs, long stepMs, bool instant, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var evaluator = new PromQlEvaluator((long)_options.LookbackDelta.TotalMilliseconds, _options.MaxSamples);
            await evaluator.LoadAsync(source, expr, startMs, endMs, timeout.Token).ConfigureAwait(false);
            if (instant)
            {
                evaluator.BeginStep();
                return expr.Type switch
                {
                    PromQlValueType.Scalar => PromQlResult.OfScalar(startMs, evaluator.EvalScalar(expr, startMs)),
                    PromQlValueType.String => PromQlResult.OfString(startMs, ((StringLiteralExpr)expr).Value),
                    PromQlValueType.Vector => PromQlResult.OfVector(startMs, evaluator.EvalVector(expr, startMs)),
                    _ => PromQlResult.OfMatrix(startMs, evaluator.SelectRange((MatrixSelectorExpr)expr, startMs)),
                };
            }

            return PromQlResult.OfMatrix(endMs, EvaluateRange(evaluator, expr, startMs, endMs, stepMs, timeout.Token));
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new PromQlException(PromQlErrorType.Timeout, "query timed out in query execution");
        }
        catch (OperationCanceledException e)
        {
            throw new PromQlException(PromQlErrorType.Canceled, "query was canceled in query execution", e);
        }
    }

    private static List<PromQlSeries> EvaluateRange(PromQlEvaluator evaluator, PromQlExpr expr, long startMs, long endMs, long stepMs, CancellationToken cancellation)
    {
        var series = new Dictionary<LabelSet, (List<long> Times, List<double> Values)>();
        for (var t = startMs; t <= endMs; t += stepMs)
        {
            cancellation.ThrowIfCancellationRequested();
            evaluator.BeginStep();
            if (expr.Type == PromQlValueType.Scalar)
            {
                Append(series, LabelSet.Empty, t, evaluator.EvalScalar(expr, t));
                continue;
            }

            foreach (var sample in evaluator.EvalVector(expr, t))
            {
                Append(series, sample.Labels, t, sample.Value);
            }
        }

        var result = new List<PromQlSeries>(series.Count);
        foreach (var (labels, (times, values)) in series)
        {
            result.Add(new PromQlSeries(labels, [.. times], [.. values]));
        }

        result.Sort((a, b) => LabelSetOrder.Instance.Compare(a.Labels, b.Labels));
        return result;
    }

    private static void Append(Dictionary<LabelSet, (List<long> Times, List<double> Values)> series, LabelSet labels, long t, double value)
    {
        if (!series.TryGetValue(labels, out var points))
        {
            points = ([], []);
            series[labels] = points;
        }

        points.Times.Add(t);
        points.Values.Add(value);
    }
}
