using System.Globalization;
using System.Runtime.CompilerServices;
using Pipeline.Grains.Scraping.Relabeling;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// Evaluates a parsed query at one step after another. Every selector's series are read from the
/// source once for the whole query (<see cref="LoadAsync"/>); each step then only searches them.
/// Label sets derived from a series (name dropped, grouping labels, match signatures) are cached by
/// the identity of the set they came from, so a range query computes each once, not once per step.
/// </summary>
internal sealed class PromQlEvaluator
{
    private const string MetricName = RelabelLabels.MetricName;

    private readonly long _lookbackMs;
    private readonly int _maxSamples;
    private readonly Dictionary<PromQlExpr, LoadedSeries[]> _series = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<LabelSet, LabelSet> _withoutName = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<LabelSet, LabelSet>> _derived = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<(LabelSet, LabelSet), LabelSet>> _joined = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, List<PromQlSample>> _outputs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<LabelSet, LabelSet>> _canonical = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<LabelSet> _seen = [];
    private readonly LabelSetBuilder _builder = new();
    private int _samples;

    public PromQlEvaluator(long lookbackMs, int maxSamples)
    {
        _lookbackMs = lookbackMs;
        _maxSamples = maxSamples;
    }

    /// <summary>Reads every selector's series for steps from <paramref name="startMs"/> to <paramref name="endMs"/>.</summary>
    public async ValueTask LoadAsync(ISeriesSource source, PromQlExpr root, long startMs, long endMs, CancellationToken cancellation)
    {
        var selectors = new List<PromQlExpr>();
        Collect(root, selectors);
        foreach (var node in selectors)
        {
            var (selector, range) = node switch
            {
                MatrixSelectorExpr m => (m.Selector, m.RangeMs),
                VectorSelectorExpr v => (v, _lookbackMs),
                _ => throw new InvalidOperationException("not a selector"),
            };
            var found = await source.SelectAsync(selector.Matchers, startMs - selector.OffsetMs - range, endMs - selector.OffsetMs, cancellation).ConfigureAwait(false);
            var loaded = new LoadedSeries[found.Count];
            for (var i = 0; i < found.Count; i++)
            {
                loaded[i] = node is MatrixSelectorExpr
                    ? LoadedSeries.WithoutStaleMarkers(found[i])
                    : new LoadedSeries(found[i].Labels, found[i].TimestampsMs, found[i].Values);
            }

            _series[node] = loaded;
        }
    }

    private static void Collect(PromQlExpr expr, List<PromQlExpr> selectors)
    {
        switch (expr)
        {
            case VectorSelectorExpr or MatrixSelectorExpr:
                selectors.Add(expr);
                break;
            case FunctionCallExpr call:
                foreach (var arg in call.Args)
                {
                    Collect(arg, selectors);
                }

                break;
            case AggregateExpr aggregate:
                if (aggregate.Param is not null)
                {
                    Collect(aggregate.Param, selectors);
                }

                Collect(aggregate.Expr, selectors);
                break;
            case BinaryExpr binary:
                Collect(binary.Lhs, selectors);
                Collect(binary.Rhs, selectors);
                break;
            case UnaryExpr unary:
                Collect(unary.Expr, selectors);
                break;
        }
    }

    /// <summary>Starts a new step: the sample limit counts what one step holds.</summary>
    public void BeginStep() => _samples = 0;

    private void Count(int samples)
    {
        _samples += samples;
        if (_samples > _maxSamples)
        {
            throw new PromQlException(PromQlErrorType.Execution, "query processing would load too many samples into memory in query execution");
        }
    }

    public double EvalScalar(PromQlExpr expr, long t)
    {
        switch (expr)
        {
            case NumberLiteralExpr number:
                return number.Value;
            case UnaryExpr unary:
                return -EvalScalar(unary.Expr, t);
            case BinaryExpr binary:
            {
                var (value, keep) = Operate(binary.Op, EvalScalar(binary.Lhs, t), EvalScalar(binary.Rhs, t));
                return binary.IsComparison ? (keep ? 1 : 0) : value;
            }

            case FunctionCallExpr call:
                switch (call.Function.Name)
                {
                    case "time":
                        return t / 1000.0;
                    case "pi":
                        return Math.PI;
                    case "scalar":
                    {
                        var vector = EvalVector(call.Args[0], t);
                        return vector.Count == 1 ? vector[0].Value : double.NaN;
                    }
                }

                break;
        }

        throw new InvalidOperationException($"not a scalar expression: {expr.GetType().Name}");
    }

    public List<PromQlSample> EvalVector(PromQlExpr expr, long t) => expr switch
    {
        VectorSelectorExpr selector => SelectInstant(selector, t, null),
        FunctionCallExpr call => Call(call, t),
        AggregateExpr aggregate => Aggregate(aggregate, t),
        BinaryExpr binary => Binary(binary, t),
        UnaryExpr unary => Negate(EvalVector(unary.Expr, t)),
        _ => throw new InvalidOperationException($"not a vector expression: {expr.GetType().Name}"),
    };

    /// <summary>The latest sample of each series in [t − offset − lookback, t − offset], unless it is a staleness marker.</summary>
    private List<PromQlSample> SelectInstant(VectorSelectorExpr selector, long t, List<long>? times)
    {
        var series = _series[selector];
        var result = Output(selector);
        var reference = t - selector.OffsetMs;
        foreach (var s in series)
        {
            var i = s.LowerBound(reference + 1, ref s.StartHint) - 1;
            if (i < 0 || s.TimestampsMs[i] < reference - _lookbackMs || LoadedSeries.IsStale(s.Values[i]))
            {
                continue;
            }

            result.Add(new PromQlSample(s.Labels, s.Values[i]));
            times?.Add(s.TimestampsMs[i]);
        }

        Count(result.Count);
        return result;
    }

    /// <summary>An instant query of a range selector: each series' raw samples in the range, name kept.</summary>
    public List<PromQlSeries> SelectRange(MatrixSelectorExpr matrix, long t)
    {
        var rangeEnd = t - matrix.Selector.OffsetMs;
        var result = new List<PromQlSeries>();
        foreach (var s in _series[matrix])
        {
            var lo = s.LowerBound(rangeEnd - matrix.RangeMs);
            var hi = s.UpperBound(rangeEnd);
            if (hi > lo)
            {
                Count(hi - lo);
                result.Add(new PromQlSeries(s.Labels, s.TimestampsMs[lo..hi], s.Values[lo..hi]));
            }
        }

        return result;
    }

    private List<PromQlSample> Negate(List<PromQlSample> vector)
    {
        var dropped = default(NameDrop);
        for (var i = 0; i < vector.Count; i++)
        {
            var labels = DropName(vector[i].Labels, ref dropped);
            vector[i] = new PromQlSample(labels, -vector[i].Value);
        }

        return CheckUnique(vector, dropped);
    }

    /// <summary>
    /// What dropping names did to one vector: series of one metric (or all without a name) stay
    /// distinct, so only a vector whose names differed needs the uniqueness check.
    /// </summary>
    private struct NameDrop
    {
        public string? Name;
        public bool Mixed;

        public void See(string name)
        {
            if (Name is null)
            {
                Name = name;
            }
            else if (!string.Equals(Name, name, StringComparison.Ordinal))
            {
                Mixed = true;
            }
        }
    }

    private LabelSet DropName(LabelSet labels, ref NameDrop dropped)
    {
        var name = labels.Get(MetricName);
        dropped.See(name);
        if (name.Length == 0)
        {
            return labels;
        }

        if (!_withoutName.TryGetValue(labels, out var without))
        {
            _builder.Reset(labels);
            _builder.Delete(MetricName);
            without = _builder.ToLabelSet();
            _withoutName[labels] = without;
        }

        return without;
    }

    /// <summary>Dropping the metric name can make two series one: Prometheus refuses to answer then.</summary>
    private List<PromQlSample> CheckUnique(List<PromQlSample> vector, NameDrop dropped) => CheckUnique(vector, dropped.Mixed);

    private List<PromQlSample> CheckUnique(List<PromQlSample> vector, bool mayCollide)
    {
        if (mayCollide && vector.Count > 1)
        {
            _seen.Clear();
            foreach (var sample in vector)
            {
                if (!_seen.Add(sample.Labels))
                {
                    throw new PromQlException(PromQlErrorType.Execution, "vector cannot contain metrics with the same labelset");
                }
            }
        }

        return vector;
    }

    /// <summary>
    /// The node's output list, emptied: reused from step to step, since a parent consumes its
    /// children's vectors within the step. Fresh lists of 10,000 samples every step would be
    /// large-object allocations, and those bring full collections of the loaded series.
    /// </summary>
    private List<PromQlSample> Output(object node)
    {
        if (!_outputs.TryGetValue(node, out var list))
        {
            list = [];
            _outputs[node] = list;
        }

        list.Clear();
        return list;
    }

    private Dictionary<LabelSet, LabelSet> DerivedCache(object key)
    {
        if (!_derived.TryGetValue(key, out var cache))
        {
            cache = new Dictionary<LabelSet, LabelSet>(ReferenceEqualityComparer.Instance);
            _derived[key] = cache;
        }

        return cache;
    }

    private List<PromQlSample> Call(FunctionCallExpr call, long t)
    {
        var name = call.Function.Name;
        if (call.Args.Count > 0 && call.Args[0] is MatrixSelectorExpr matrix)
        {
            return CallOverRange(name, matrix, call.Args.Count > 1 ? EvalScalar(call.Args[1], t) : null, t);
        }

        if (call.Args.Count > 1 && call.Args[1] is MatrixSelectorExpr quantileMatrix)
        {
            return CallOverRange(name, quantileMatrix, EvalScalar(call.Args[0], t), t);
        }

        if (PromQlFunctions.Math1.TryGetValue(name, out var map))
        {
            return MapValues(EvalVector(call.Args[0], t), map);
        }

        switch (name)
        {
            case "round":
            {
                var inverse = 1.0 / (call.Args.Count > 1 ? EvalScalar(call.Args[1], t) : 1.0);
                return MapValues(EvalVector(call.Args[0], t), v => Math.Floor((v * inverse) + 0.5) / inverse);
            }

            case "clamp":
            {
                var vector = EvalVector(call.Args[0], t);
                var min = EvalScalar(call.Args[1], t);
                var max = EvalScalar(call.Args[2], t);
                return max < min ? [] : MapValues(vector, v => Math.Max(min, Math.Min(max, v)));
            }

            case "clamp_min":
            {
                var vector = EvalVector(call.Args[0], t);
                var min = EvalScalar(call.Args[1], t);
                return MapValues(vector, v => Math.Max(min, v));
            }

            case "clamp_max":
            {
                var vector = EvalVector(call.Args[0], t);
                var max = EvalScalar(call.Args[1], t);
                return MapValues(vector, v => Math.Min(max, v));
            }

            case "vector":
                return [new PromQlSample(LabelSet.Empty, EvalScalar(call.Args[0], t))];
            case "timestamp":
                return Timestamp(call.Args[0], t);
            case "absent":
            {
                var vector = EvalVector(call.Args[0], t);
                return vector.Count > 0 ? [] : [new PromQlSample(AbsentLabels(call.Args[0]), 1)];
            }

            case "sort":
            case "sort_desc":
            {
                var vector = EvalVector(call.Args[0], t);
                var descending = name == "sort_desc";
                var ordered = vector.OrderBy(s => double.IsNaN(s.Value) ? 1 : 0)
                    .ThenBy(s => descending ? -s.Value : s.Value)
                    .ToList();
                return ordered;
            }

            case "histogram_quantile":
                return HistogramQuantile(call, EvalScalar(call.Args[0], t), EvalVector(call.Args[1], t));
            case "label_replace":
                return LabelReplace(call, t);
            case "label_join":
                return LabelJoin(call, t);
            case "minute" or "hour" or "day_of_week" or "day_of_month" or "day_of_year" or "days_in_month" or "month" or "year":
            {
                var vector = call.Args.Count == 0 ? [new PromQlSample(LabelSet.Empty, t / 1000.0)] : EvalVector(call.Args[0], t);
                return MapValues(vector, v => DatePart(name, v));
            }
        }

        throw new InvalidOperationException($"function {name} has no evaluation");
    }

    private static double DatePart(string part, double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            return double.NaN;
        }

        var time = DateTimeOffset.UnixEpoch.AddSeconds(Math.Truncate(seconds)).UtcDateTime;
        return part switch
        {
            "minute" => time.Minute,
            "hour" => time.Hour,
            "day_of_week" => (int)time.DayOfWeek,
            "day_of_month" => time.Day,
            "day_of_year" => time.DayOfYear,
            "days_in_month" => DateTime.DaysInMonth(time.Year, time.Month),
            "month" => time.Month,
            _ => time.Year,
        };
    }

    private List<PromQlSample> MapValues(List<PromQlSample> vector, Func<double, double> map)
    {
        var dropped = default(NameDrop);
        for (var i = 0; i < vector.Count; i++)
        {
            vector[i] = new PromQlSample(DropName(vector[i].Labels, ref dropped), map(vector[i].Value));
        }

        return CheckUnique(vector, dropped);
    }

    private List<PromQlSample> Timestamp(PromQlExpr arg, long t)
    {
        // Of a selector, the time of the sample it found; of anything else, the evaluation time.
        if (arg is VectorSelectorExpr selector)
        {
            var times = new List<long>();
            var vector = SelectInstant(selector, t, times);
            var dropped = default(NameDrop);
            for (var i = 0; i < vector.Count; i++)
            {
                vector[i] = new PromQlSample(DropName(vector[i].Labels, ref dropped), times[i] / 1000.0);
            }

            return CheckUnique(vector, dropped);
        }

        return MapValues(EvalVector(arg, t), _ => t / 1000.0);
    }

    /// <summary>absent()'s labels: those of the selector's equality matchers, a label matched twice left out.</summary>
    private static LabelSet AbsentLabels(PromQlExpr arg)
    {
        var matchers = arg switch
        {
            VectorSelectorExpr v => v.Matchers,
            MatrixSelectorExpr m => m.Selector.Matchers,
            _ => null,
        };
        if (matchers is null)
        {
            return LabelSet.Empty;
        }

        var builder = new LabelSetBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var matcher in matchers)
        {
            if (matcher.Name == MetricName)
            {
                continue;
            }

            if (matcher.Type == MatchType.Equal && seen.Add(matcher.Name))
            {
                builder.Set(matcher.Name, matcher.Value);
            }
            else
            {
                builder.Delete(matcher.Name);
            }
        }

        return builder.ToLabelSet();
    }

    private List<PromQlSample> CallOverRange(string name, MatrixSelectorExpr matrix, double? param, long t)
    {
        var series = _series[matrix];
        var rangeEnd = t - matrix.Selector.OffsetMs;
        var rangeStart = rangeEnd - matrix.RangeMs;
        var result = Output(matrix);
        var dropped = default(NameDrop);
        var any = false;
        var selected = 0;
        double[]? scratch = null;
        foreach (var s in series)
        {
            var lo = s.LowerBound(rangeStart, ref s.StartHint);
            var hi = s.LowerBound(rangeEnd + 1, ref s.EndHint);
            if (hi <= lo)
            {
                continue;
            }

            any = true;
            selected += hi - lo;
            var times = s.TimestampsMs.AsSpan(lo, hi - lo);
            var values = s.Values.AsSpan(lo, hi - lo);
            double? value = name switch
            {
                "rate" => RangeFunctions.ExtrapolatedRate(times, values, rangeStart, rangeEnd, matrix.RangeMs, isCounter: true, isRate: true),
                "increase" => RangeFunctions.ExtrapolatedRate(times, values, rangeStart, rangeEnd, matrix.RangeMs, isCounter: true, isRate: false),
                "delta" => RangeFunctions.ExtrapolatedRate(times, values, rangeStart, rangeEnd, matrix.RangeMs, isCounter: false, isRate: false),
                "irate" => RangeFunctions.InstantValue(times, values, isRate: true),
                "idelta" => RangeFunctions.InstantValue(times, values, isRate: false),
                "changes" => RangeFunctions.Changes(values),
                "resets" => RangeFunctions.Resets(values),
                "avg_over_time" => RangeFunctions.Average(values),
                "min_over_time" => RangeFunctions.Min(values),
                "max_over_time" => RangeFunctions.Max(values),
                "sum_over_time" => RangeFunctions.Sum(values),
                "count_over_time" => values.Length,
                "last_over_time" => values[^1],
                "stddev_over_time" => Math.Sqrt(RangeFunctions.Variance(values)),
                "stdvar_over_time" => RangeFunctions.Variance(values),
                "present_over_time" => 1,
                "deriv" => values.Length < 2 ? null : RangeFunctions.LinearRegression(times, values, times[0]).Slope,
                "predict_linear" => values.Length < 2 ? null : PredictLinear(RangeFunctions.LinearRegression(times, values, t), param!.Value),
                "absent_over_time" => null,
                "quantile_over_time" => RangeFunctions.Quantile(param!.Value, Scratch(ref scratch, values)),
                _ => throw new InvalidOperationException($"function {name} has no evaluation"),
            };
            if (value is { } v)
            {
                // last_over_time is the only one that keeps the metric name.
                var labels = name == "last_over_time" ? s.Labels : DropName(s.Labels, ref dropped);
                result.Add(new PromQlSample(labels, v));
            }
        }

        Count(selected);
        if (name == "absent_over_time")
        {
            return any ? [] : [new PromQlSample(AbsentLabels(matrix), 1)];
        }

        return CheckUnique(result, dropped);
    }

    private static double PredictLinear((double Slope, double Intercept) line, double seconds) => (line.Slope * seconds) + line.Intercept;

    private static Span<double> Scratch(ref double[]? scratch, ReadOnlySpan<double> values)
    {
        if (scratch is null || scratch.Length < values.Length)
        {
            scratch = new double[Math.Max(values.Length, 64)];
        }

        var span = scratch.AsSpan(0, values.Length);
        values.CopyTo(span);
        return span;
    }

    private List<PromQlSample> HistogramQuantile(FunctionCallExpr call, double q, List<PromQlSample> vector)
    {
        // Buckets group by every label but le (the name included), and answer without le and the name.
        var cache = DerivedCache(call);
        var groups = new Dictionary<LabelSet, List<(double, double)>>();
        var order = new List<LabelSet>();
        foreach (var sample in vector)
        {
            if (!TryParseGoFloat(sample.Labels.Get("le"), out var bound))
            {
                continue;
            }

            if (!cache.TryGetValue(sample.Labels, out var key))
            {
                key = Project(sample.Labels, ["le"], without: true, keepName: true);
                cache[sample.Labels] = key;
            }

            if (!groups.TryGetValue(key, out var buckets))
            {
                buckets = [];
                groups[key] = buckets;
                order.Add(key);
            }

            buckets.Add((bound, sample.Value));
        }

        var result = new List<PromQlSample>(order.Count);
        var dropped = default(NameDrop);
        foreach (var key in order)
        {
            result.Add(new PromQlSample(DropName(key, ref dropped), HistogramBuckets.Quantile(q, groups[key])));
        }

        return CheckUnique(result, dropped);
    }

    /// <summary>Go's strconv.ParseFloat for an <c>le</c> value: decimal, exponent, Inf and NaN in any case, a sign.</summary>
    internal static bool TryParseGoFloat(string text, out double value)
    {
        var body = text.AsSpan();
        var negative = false;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            negative = body[0] == '-';
            body = body[1..];
        }

        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (body.Length == 0 || !(char.IsAsciiDigit(body[0]) || body[0] == '.'))
        {
            value = 0;
            return false;
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    private LabelSet Project(LabelSet labels, IReadOnlyList<string> names, bool without, bool keepName)
    {
        _builder.Reset(labels);
        if (without)
        {
            foreach (var name in names)
            {
                _builder.Delete(name);
            }

            if (!keepName)
            {
                _builder.Delete(MetricName);
            }
        }
        else
        {
            _builder.Reset();
            foreach (var name in names)
            {
                _builder.Set(name, labels.Get(name));
            }
        }

        return _builder.ToLabelSet();
    }

    private List<PromQlSample> LabelReplace(FunctionCallExpr call, long t)
    {
        var vector = EvalVector(call.Args[0], t);
        var destination = ((StringLiteralExpr)call.Args[1]).Value;
        var replacement = ((StringLiteralExpr)call.Args[2]).Value;
        var source = ((StringLiteralExpr)call.Args[3]).Value;
        var pattern = ((StringLiteralExpr)call.Args[4]).Value;
        if (!RelabelRegex.TryCreate(pattern, out var regex, out var error))
        {
            throw new PromQlException(PromQlErrorType.Execution, $"invalid regular expression in label_replace(): {pattern}: {error}");
        }

        if (!LabelNames.IsLegacy(destination))
        {
            throw new PromQlException(PromQlErrorType.Execution, $"invalid destination label name in label_replace(): {destination}");
        }

        var template = ReplacementTemplate.Parse(replacement, regex);
        var cache = DerivedCache(call);
        for (var i = 0; i < vector.Count; i++)
        {
            var labels = vector[i].Labels;
            if (!cache.TryGetValue(labels, out var replaced))
            {
                var value = labels.Get(source);
                replaced = labels;
                if (regex.TryMatch(value, out var match))
                {
                    _builder.Reset(labels);
                    _builder.Set(destination, template.Expand(regex, value, match));
                    replaced = _builder.ToLabelSet();
                }

                cache[labels] = replaced;
            }

            vector[i] = new PromQlSample(replaced, vector[i].Value);
        }

        return CheckUnique(vector, mayCollide: true);
    }

    private List<PromQlSample> LabelJoin(FunctionCallExpr call, long t)
    {
        var vector = EvalVector(call.Args[0], t);
        var destination = ((StringLiteralExpr)call.Args[1]).Value;
        var separator = ((StringLiteralExpr)call.Args[2]).Value;
        var sources = call.Args.Skip(3).Select(a => ((StringLiteralExpr)a).Value).ToArray();
        if (!LabelNames.IsLegacy(destination))
        {
            throw new PromQlException(PromQlErrorType.Execution, $"invalid destination label name in label_join(): {destination}");
        }

        var cache = DerivedCache(call);
        for (var i = 0; i < vector.Count; i++)
        {
            var labels = vector[i].Labels;
            if (!cache.TryGetValue(labels, out var joined))
            {
                _builder.Reset(labels);
                _builder.Set(destination, string.Join(separator, sources.Select(labels.Get)));
                joined = _builder.ToLabelSet();
                cache[labels] = joined;
            }

            vector[i] = new PromQlSample(joined, vector[i].Value);
        }

        return CheckUnique(vector, mayCollide: true);
    }

    private sealed class Group
    {
        public required LabelSet Labels;
        public double Value;
        public double Mean;
        public int Count;
        public List<PromQlSample>? Members;
    }

    private List<PromQlSample> Aggregate(AggregateExpr aggregate, long t)
    {
        var param = aggregate.Param is null ? 0 : EvalScalar(aggregate.Param, t);
        var vector = EvalVector(aggregate.Expr, t);
        long k = 0;
        if (aggregate.Op is "topk" or "bottomk")
        {
            if (double.IsNaN(param) || param >= 9.2233720368547758e18 || param <= -9.2233720368547758e18)
            {
                throw new PromQlException(PromQlErrorType.Execution, $"Scalar value {Format(param)} overflows int64");
            }

            k = (long)param;
            if (k < 1)
            {
                return [];
            }
        }

        var cache = DerivedCache(aggregate);
        if (!_canonical.TryGetValue(aggregate, out var canonical))
        {
            canonical = [];
            _canonical[aggregate] = canonical;
        }

        var groups = new Dictionary<LabelSet, Group>(ReferenceEqualityComparer.Instance);
        var order = new List<Group>();
        foreach (var sample in vector)
        {
            if (!cache.TryGetValue(sample.Labels, out var key))
            {
                key = aggregate.Without
                    ? Project(sample.Labels, aggregate.Grouping, without: true, keepName: false)
                    : aggregate.Grouping.Count == 0 ? LabelSet.Empty : Project(sample.Labels, aggregate.Grouping, without: false, keepName: false);

                // One instance per group, so the groups of a step are found by reference.
                if (!canonical.TryGetValue(key, out var existing))
                {
                    canonical[key] = key;
                }
                else
                {
                    key = existing;
                }

                cache[sample.Labels] = key;
            }

            var v = sample.Value;
            if (!groups.TryGetValue(key, out var group))
            {
                group = new Group { Labels = key, Value = v, Mean = v, Count = 1 };
                if (aggregate.Op is "stddev" or "stdvar")
                {
                    group.Value = 0;
                }

                if (aggregate.Op is "topk" or "bottomk" or "quantile")
                {
                    group.Members = [sample];
                }

                groups[key] = group;
                order.Add(group);
                continue;
            }

            switch (aggregate.Op)
            {
                case "sum":
                    group.Value += v;
                    break;
                case "avg":
                    group.Count++;
                    if (double.IsInfinity(group.Mean))
                    {
                        if (double.IsInfinity(v) && (group.Mean > 0) == (v > 0))
                        {
                            break;
                        }

                        if (!double.IsInfinity(v) && !double.IsNaN(v))
                        {
                            break;
                        }
                    }

                    group.Mean += (v / group.Count) - (group.Mean / group.Count);
                    break;
                case "max":
                    if (group.Value < v || double.IsNaN(group.Value))
                    {
                        group.Value = v;
                    }

                    break;
                case "min":
                    if (group.Value > v || double.IsNaN(group.Value))
                    {
                        group.Value = v;
                    }

                    break;
                case "count":
                    group.Count++;
                    break;
                case "stddev" or "stdvar":
                {
                    group.Count++;
                    var delta = v - group.Mean;
                    group.Mean += delta / group.Count;
                    group.Value += delta * (v - group.Mean);
                    break;
                }

                case "topk" or "bottomk" or "quantile":
                    group.Members!.Add(sample);
                    break;
            }
        }

        var result = Output(aggregate);
        foreach (var group in order)
        {
            switch (aggregate.Op)
            {
                case "avg":
                    result.Add(new PromQlSample(group.Labels, group.Mean));
                    break;
                case "count":
                    result.Add(new PromQlSample(group.Labels, group.Count));
                    break;
                case "group":
                    result.Add(new PromQlSample(group.Labels, 1));
                    break;
                case "stdvar":
                    result.Add(new PromQlSample(group.Labels, group.Value / group.Count));
                    break;
                case "stddev":
                    result.Add(new PromQlSample(group.Labels, Math.Sqrt(group.Value / group.Count)));
                    break;
                case "quantile":
                {
                    var values = group.Members!.Select(m => m.Value).ToArray();
                    result.Add(new PromQlSample(group.Labels, RangeFunctions.Quantile(param, values)));
                    break;
                }

                case "topk" or "bottomk":
                {
                    // NaN loses in both: it is the first dropped from topk's and bottomk's selection.
                    var top = aggregate.Op == "topk";
                    var chosen = group.Members!
                        .OrderBy(m => double.IsNaN(m.Value) ? 1 : 0)
                        .ThenBy(m => top ? -m.Value : m.Value)
                        .Take((int)Math.Min(k, group.Members!.Count));
                    result.AddRange(chosen);
                    break;
                }

                default:
                    result.Add(new PromQlSample(group.Labels, group.Value));
                    break;
            }
        }

        return result;
    }

    private static string Format(double value) => PromQlJsonWriter.FormatValue(value);

    private List<PromQlSample> Binary(BinaryExpr binary, long t)
    {
        if (binary.Lhs.Type == PromQlValueType.Scalar)
        {
            var scalar = EvalScalar(binary.Lhs, t);
            return VectorScalar(binary, EvalVector(binary.Rhs, t), scalar, swap: true);
        }

        if (binary.Rhs.Type == PromQlValueType.Scalar)
        {
            var vector = EvalVector(binary.Lhs, t);
            return VectorScalar(binary, vector, EvalScalar(binary.Rhs, t), swap: false);
        }

        var lhs = EvalVector(binary.Lhs, t);
        var rhs = EvalVector(binary.Rhs, t);
        var matching = binary.Matching!;
        return binary.Op switch
        {
            "and" => SetAnd(binary, lhs, rhs, keepMatches: true),
            "unless" => SetAnd(binary, lhs, rhs, keepMatches: false),
            "or" => SetOr(binary, lhs, rhs),
            _ => VectorVector(binary, matching, lhs, rhs),
        };
    }

    /// <summary>Arithmetic drops the metric name; comparisons, set operators and (in Prometheus 2.42) atan2 keep it.</summary>
    private static bool DropsName(BinaryExpr binary) => binary.Op is "+" or "-" or "*" or "/" or "%" or "^";

    private List<PromQlSample> VectorScalar(BinaryExpr binary, List<PromQlSample> vector, double scalar, bool swap)
    {
        var result = Output(binary);
        var dropped = default(NameDrop);
        foreach (var sample in vector)
        {
            var (l, r) = swap ? (scalar, sample.Value) : (sample.Value, scalar);
            var (value, keep) = Operate(binary.Op, l, r);

            // A comparison keeps the vector's value, on whichever side the vector is.
            if (binary.IsComparison && swap)
            {
                value = r;
            }

            if (binary.ReturnBool)
            {
                value = keep ? 1 : 0;
                keep = true;
            }

            if (!keep)
            {
                continue;
            }

            var labels = DropsName(binary) || binary.ReturnBool ? DropName(sample.Labels, ref dropped) : sample.Labels;
            result.Add(new PromQlSample(labels, value));
        }

        return CheckUnique(result, dropped);
    }

    /// <summary>The labels two series are matched by: those of <c>on</c>, or all but those of <c>ignoring</c> and the name.</summary>
    private LabelSet Signature(object node, VectorMatching matching, LabelSet labels)
    {
        var cache = DerivedCache(node);
        if (!cache.TryGetValue(labels, out var signature))
        {
            signature = matching.On
                ? Project(labels, matching.MatchingLabels, without: false, keepName: true)
                : Project(labels, matching.MatchingLabels, without: true, keepName: false);
            cache[labels] = signature;
        }

        return signature;
    }

    private List<PromQlSample> SetAnd(BinaryExpr binary, List<PromQlSample> lhs, List<PromQlSample> rhs, bool keepMatches)
    {
        var signatures = new HashSet<LabelSet>();
        foreach (var sample in rhs)
        {
            signatures.Add(Signature(binary, binary.Matching!, sample.Labels));
        }

        var result = Output(binary);
        foreach (var sample in lhs)
        {
            if (signatures.Contains(Signature(binary, binary.Matching!, sample.Labels)) == keepMatches)
            {
                result.Add(sample);
            }
        }

        return result;
    }

    private List<PromQlSample> SetOr(BinaryExpr binary, List<PromQlSample> lhs, List<PromQlSample> rhs)
    {
        var signatures = new HashSet<LabelSet>();
        var result = Output(binary);
        foreach (var sample in lhs)
        {
            signatures.Add(Signature(binary, binary.Matching!, sample.Labels));
            result.Add(sample);
        }

        foreach (var sample in rhs)
        {
            if (!signatures.Contains(Signature(binary, binary.Matching!, sample.Labels)))
            {
                result.Add(sample);
            }
        }

        return result;
    }

    private List<PromQlSample> VectorVector(BinaryExpr binary, VectorMatching matching, List<PromQlSample> lhs, List<PromQlSample> rhs)
    {
        // Nothing can match: Prometheus answers empty before looking for duplicates on either side.
        if (lhs.Count == 0 || rhs.Count == 0)
        {
            return [];
        }

        var oneToMany = matching.Cardinality == VectorMatchCardinality.OneToMany;
        if (oneToMany)
        {
            (lhs, rhs) = (rhs, lhs);
        }

        // The "one" side, by signature: two of its series with one signature would make the match many-to-many.
        var right = new Dictionary<LabelSet, PromQlSample>(rhs.Count);
        foreach (var sample in rhs)
        {
            var signature = Signature(binary, matching, sample.Labels);
            if (right.TryGetValue(signature, out var duplicate))
            {
                var side = oneToMany ? "left" : "right";
                throw new PromQlException(
                    PromQlErrorType.Execution,
                    $"found duplicate series for the match group {signature} on the {side} hand-side of the operation: [{sample.Labels}, {duplicate.Labels}];many-to-many matching not allowed: matching labels must be unique on one side");
            }

            right[signature] = sample;
        }

        var matched = new Dictionary<LabelSet, HashSet<LabelSet>?>();
        var result = Output(binary);
        var dropped = default(NameDrop);
        foreach (var sample in lhs)
        {
            var signature = Signature(binary, matching, sample.Labels);
            if (!right.TryGetValue(signature, out var other))
            {
                continue;
            }

            var (vl, vr) = oneToMany ? (other.Value, sample.Value) : (sample.Value, other.Value);
            var (value, keep) = Operate(binary.Op, vl, vr);
            if (binary.ReturnBool)
            {
                value = keep ? 1 : 0;
            }
            else if (!keep)
            {
                continue;
            }

            var labels = ResultLabels(binary, matching, sample.Labels, other.Labels);
            if (binary.ReturnBool)
            {
                labels = DropName(labels, ref dropped);
            }

            var exists = matched.TryGetValue(signature, out var inserted);
            if (matching.Cardinality == VectorMatchCardinality.OneToOne)
            {
                if (exists)
                {
                    throw new PromQlException(PromQlErrorType.Execution, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }

                matched[signature] = null;
            }
            else
            {
                if (!exists)
                {
                    inserted = [];
                    matched[signature] = inserted;
                }

                if (!inserted!.Add(labels))
                {
                    throw new PromQlException(PromQlErrorType.Execution, "multiple matches for labels: grouping labels must ensure unique matches");
                }
            }

            result.Add(new PromQlSample(labels, value));
        }

        return result;
    }

    /// <summary>The "many" side's labels, name dropped for arithmetic, cut to <c>on</c>'s (one-to-one), plus <c>group_x</c>'s labels from the "one" side.</summary>
    private LabelSet ResultLabels(BinaryExpr binary, VectorMatching matching, LabelSet many, LabelSet one)
    {
        if (matching.Include.Count == 0)
        {
            var cache = DerivedCache(matching);
            if (!cache.TryGetValue(many, out var labels))
            {
                labels = ComputeResultLabels(binary, matching, many, one);
                cache[many] = labels;
            }

            return labels;
        }

        if (!_joined.TryGetValue(matching, out var joined))
        {
            joined = new Dictionary<(LabelSet, LabelSet), LabelSet>(PairComparer.Instance);
            _joined[matching] = joined;
        }

        if (!joined.TryGetValue((many, one), out var result))
        {
            result = ComputeResultLabels(binary, matching, many, one);
            joined[(many, one)] = result;
        }

        return result;
    }

    private LabelSet ComputeResultLabels(BinaryExpr binary, VectorMatching matching, LabelSet many, LabelSet one)
    {
        _builder.Reset(many);
        if (DropsName(binary))
        {
            _builder.Delete(MetricName);
        }

        if (matching.Cardinality == VectorMatchCardinality.OneToOne)
        {
            if (matching.On)
            {
                for (var i = _builder.Count - 1; i >= 0; i--)
                {
                    if (!matching.MatchingLabels.Contains(_builder.NameAt(i)))
                    {
                        _builder.RemoveAt(i);
                    }
                }
            }
            else
            {
                foreach (var name in matching.MatchingLabels)
                {
                    _builder.Delete(name);
                }
            }
        }

        foreach (var name in matching.Include)
        {
            _builder.Set(name, one.Get(name));
        }

        return _builder.ToLabelSet();
    }

    /// <summary>One operator on two values: the arithmetic result, or for a comparison the left value and whether it holds.</summary>
    internal static (double Value, bool Keep) Operate(string op, double l, double r) => op switch
    {
        "+" => (l + r, true),
        "-" => (l - r, true),
        "*" => (l * r, true),
        "/" => (l / r, true),
        "%" => (l % r, true),
        "^" => (Math.Pow(l, r), true),
        "atan2" => (Math.Atan2(l, r), true),
        "==" => (l, l == r),
        "!=" => (l, l != r),
        ">" => (l, l > r),
        "<" => (l, l < r),
        ">=" => (l, l >= r),
        "<=" => (l, l <= r),
        _ => throw new InvalidOperationException($"operator {op} has no evaluation"),
    };

    private sealed class PairComparer : IEqualityComparer<(LabelSet, LabelSet)>
    {
        public static PairComparer Instance { get; } = new();

        public bool Equals((LabelSet, LabelSet) x, (LabelSet, LabelSet) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((LabelSet, LabelSet) obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
