using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace Pipeline.Grains.Scraping.Exposition;

// The line grammar of both formats. OpenMetrics is the strict one: single spaces, no blank
// lines, no free comments, no trailing comma in a label set, "# EOF" last.
public sealed partial class ExpositionParser
{
    private const byte MetricNameStart = 1;
    private const byte MetricNameChar = 2;
    private const byte LabelNameStart = 4;
    private const byte LabelNameChar = 8;

    // OpenMetrics 1.0: an exemplar's label names and values together, in characters.
    private const int MaxExemplarLabelChars = 128;

    private static readonly byte[] CharClasses = BuildCharClasses();

    // The current family: from the last HELP/TYPE/UNIT line.
    private string? _familyName;
    private byte[] _familyNameUtf8 = new byte[128];
    private int _familyNameLength;
    private MetricType _familyType;
    private string? _familyHelp;
    private string? _familyUnit;

    // Labels of the sample at [0, _sampleLabels), of its exemplar after; values unescaped in _values.
    private string[] _labelNames = new string[16];
    private int[] _labelStarts = new int[16];
    private int[] _labelLengths = new int[16];
    private int _labelCount;
    private byte[] _values = new byte[1024];
    private int _valuesLength;

    // The previous sample's metric name and label names by position: consecutive series of a
    // family repeat them, and comparing ASCII is cheaper than a cache lookup.
    private string _recentName = "";
    private string[] _recentLabelNames = new string[16];

    private void ParseLine(ReadOnlySpan<byte> line)
    {
        _line++;
        if (_sawEof)
        {
            Fail(ExpositionErrorKind.Syntax, "unexpected data after \"# EOF\"");
        }

        if (_openMetrics)
        {
            if (line.IsEmpty)
            {
                Fail(ExpositionErrorKind.Syntax, "unexpected empty line (not allowed in OpenMetrics)");
            }

            if (line[0] == '#')
            {
                ParseOpenMetricsMetadata(line);
            }
            else
            {
                ParseSample(line);
            }

            return;
        }

        var start = SkipSpaces(line, 0);
        var end = line.Length;
        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }

        if (start == end)
        {
            return;
        }

        line = line[start..end];
        if (line[0] == '#')
        {
            ParseTextComment(line);
        }
        else
        {
            ParseSample(line);
        }
    }

    private void ParseTextComment(ReadOnlySpan<byte> line)
    {
        // "#TYPE" is a plain comment: metadata needs a blank after the hash.
        var pos = SkipSpaces(line, 1);
        if (pos == 1)
        {
            return;
        }

        var wordEnd = TokenEnd(line, pos);
        var word = line[pos..wordEnd];
        var isHelp = word.SequenceEqual("HELP"u8);
        if (!isHelp && !word.SequenceEqual("TYPE"u8))
        {
            return; // any other comment
        }

        pos = SkipSpaces(line, wordEnd);
        var nameEnd = ScanMetricName(line, pos);
        if (nameEnd == pos)
        {
            Fail(ExpositionErrorKind.Syntax, $"expected metric name after {(isHelp ? "HELP" : "TYPE")}, got {Describe(line, pos)}");
        }

        var name = line[pos..nameEnd];
        if (nameEnd < line.Length && line[nameEnd] is not ((byte)' ' or (byte)'\t'))
        {
            Fail(ExpositionErrorKind.Syntax, $"invalid metric name in {(isHelp ? "HELP" : "TYPE")}, got {Describe(line, pos)}");
        }

        SetFamily(name);
        pos = SkipSpaces(line, nameEnd);
        if (isHelp)
        {
            _familyHelp = UnescapeHelp(line[pos..]);
            return;
        }

        var typeEnd = TokenEnd(line, pos);
        var type = line[pos..typeEnd];
        _familyType = type switch
        {
            _ when type.SequenceEqual("counter"u8) => MetricType.Counter,
            _ when type.SequenceEqual("gauge"u8) => MetricType.Gauge,
            _ when type.SequenceEqual("histogram"u8) => MetricType.Histogram,
            _ when type.SequenceEqual("summary"u8) => MetricType.Summary,
            _ when type.SequenceEqual("untyped"u8) => MetricType.Unknown,
            _ => FailType(type, "counter, gauge, histogram, summary or untyped"),
        };

        if (SkipSpaces(line, typeEnd) != line.Length)
        {
            Fail(ExpositionErrorKind.Syntax, $"expected end of line after the type, got {Describe(line, SkipSpaces(line, typeEnd))}");
        }
    }

    private void ParseOpenMetricsMetadata(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("# EOF"u8))
        {
            _sawEof = true;
            return;
        }

        if (line.Length < 2 || line[1] != ' ')
        {
            Fail(ExpositionErrorKind.Syntax, $"expected \"# \" and HELP, TYPE, UNIT or EOF, got {Describe(line, 0)}");
        }

        var wordEnd = IndexOfSpace(line, 2);
        var word = line[2..wordEnd];
        var isHelp = word.SequenceEqual("HELP"u8);
        var isType = word.SequenceEqual("TYPE"u8);
        var isUnit = word.SequenceEqual("UNIT"u8);
        if (!isHelp && !isType && !isUnit)
        {
            Fail(
                ExpositionErrorKind.Syntax,
                word.SequenceEqual("EOF"u8)
                    ? "unexpected text after \"# EOF\""
                    : $"unknown metadata {Describe(line, 2)} (expected HELP, TYPE, UNIT or EOF; OpenMetrics has no free comments)");
        }

        var pos = wordEnd + 1;
        var nameEnd = ScanMetricName(line, pos);
        if (wordEnd >= line.Length || nameEnd == pos || (nameEnd < line.Length && line[nameEnd] != ' '))
        {
            Fail(ExpositionErrorKind.Syntax, $"expected metric name after {Encoding.ASCII.GetString(word)}, got {Describe(line, Math.Min(pos, line.Length))}");
        }

        var name = line[pos..nameEnd];
        SetFamily(name);
        var rest = nameEnd < line.Length ? line[(nameEnd + 1)..] : [];
        if (isHelp)
        {
            _familyHelp = UnescapeHelp(rest);
        }
        else if (isUnit)
        {
            if (!rest.IsEmpty && !(name.Length > rest.Length && name.EndsWith(rest) && name[name.Length - rest.Length - 1] == '_'))
            {
                Fail(ExpositionErrorKind.Syntax, $"unit \"{Encoding.UTF8.GetString(rest)}\" is not a suffix of metric \"{Encoding.ASCII.GetString(name)}\"");
            }

            _familyUnit = rest.IsEmpty ? null : _names.Get(rest);
        }
        else
        {
            _familyType = rest switch
            {
                _ when rest.SequenceEqual("counter"u8) => MetricType.Counter,
                _ when rest.SequenceEqual("gauge"u8) => MetricType.Gauge,
                _ when rest.SequenceEqual("histogram"u8) => MetricType.Histogram,
                _ when rest.SequenceEqual("gaugehistogram"u8) => MetricType.GaugeHistogram,
                _ when rest.SequenceEqual("summary"u8) => MetricType.Summary,
                _ when rest.SequenceEqual("stateset"u8) => MetricType.StateSet,
                _ when rest.SequenceEqual("info"u8) => MetricType.Info,
                _ when rest.SequenceEqual("unknown"u8) => MetricType.Unknown,
                _ => FailType(rest, "counter, gauge, histogram, gaugehistogram, summary, stateset, info or unknown"),
            };
        }
    }

    private void ParseSample(ReadOnlySpan<byte> line)
    {
        var nameEnd = ScanMetricName(line, 0);
        if (nameEnd == 0)
        {
            Fail(ExpositionErrorKind.Syntax, $"expected metric name, got {Describe(line, 0)}");
        }

        var name = line[..nameEnd];
        if (!_openMetrics && TryKnownSeries(line, nameEnd))
        {
            return;
        }

        _labelCount = 0;
        _valuesLength = 0;
        var pos = nameEnd;
        var brace = _openMetrics ? nameEnd : SkipSpaces(line, nameEnd);
        if (brace < line.Length && line[brace] == '{')
        {
            pos = ParseLabels(line, brace + 1, name, exemplar: false);
        }

        var sampleLabels = _labelCount;
        var series = line[..pos];
        pos = ExpectSeparator(line, pos, "value");
        var valueEnd = TokenEnd(line, pos);
        if (!ExpositionNumbers.TryParseDouble(line[pos..valueEnd], out var value))
        {
            Fail(ExpositionErrorKind.Syntax, $"expected a number as value, got {Describe(line, pos)}");
        }

        pos = valueEnd;
        var hasTimestamp = false;
        long timestampMs = 0;
        var hasExemplar = false;
        var exemplarValue = 0.0;
        var exemplarHasTimestamp = false;
        long exemplarTimestampMs = 0;
        if (!_openMetrics)
        {
            pos = SkipSpaces(line, pos);
            if (pos < line.Length)
            {
                var tsEnd = TokenEnd(line, pos);
                if (!ExpositionNumbers.TryParseInt64(line[pos..tsEnd], out timestampMs))
                {
                    Fail(ExpositionErrorKind.Syntax, $"expected an integer timestamp in milliseconds, got {Describe(line, pos)}");
                }

                hasTimestamp = true;
                pos = SkipSpaces(line, tsEnd);
                if (pos < line.Length)
                {
                    Fail(ExpositionErrorKind.Syntax, $"expected end of line after the timestamp, got {Describe(line, pos)}");
                }
            }
        }
        else if (pos < line.Length)
        {
            pos = ExpectSeparator(line, pos, "timestamp or exemplar");
            if (line[pos] != '#')
            {
                var tsEnd = IndexOfSpace(line, pos);
                if (!ExpositionNumbers.TryParseSecondsAsMilliseconds(line[pos..tsEnd], out timestampMs))
                {
                    Fail(ExpositionErrorKind.Syntax, $"expected a timestamp in seconds, got {Describe(line, pos)}");
                }

                hasTimestamp = true;
                pos = tsEnd;
                if (pos < line.Length)
                {
                    pos = ExpectSeparator(line, pos, "exemplar");
                }
            }

            if (pos < line.Length)
            {
                if (line.Length - pos < 3 || line[pos] != '#' || line[pos + 1] != ' ' || line[pos + 2] != '{')
                {
                    Fail(ExpositionErrorKind.Syntax, $"expected an exemplar (\"# {{\"), got {Describe(line, pos)}");
                }

                hasExemplar = true;
                pos = ParseLabels(line, pos + 3, name, exemplar: true);
                CheckExemplarLabelLength(sampleLabels);
                pos = ExpectSeparator(line, pos, "exemplar value");
                var exemplarValueEnd = IndexOfSpace(line, pos);
                if (!ExpositionNumbers.TryParseDouble(line[pos..exemplarValueEnd], out exemplarValue))
                {
                    Fail(ExpositionErrorKind.Syntax, $"expected a number as exemplar value, got {Describe(line, pos)}");
                }

                pos = exemplarValueEnd;
                if (pos < line.Length)
                {
                    pos = ExpectSeparator(line, pos, "exemplar timestamp");
                    var tsEnd = IndexOfSpace(line, pos);
                    if (tsEnd != line.Length || !ExpositionNumbers.TryParseSecondsAsMilliseconds(line[pos..tsEnd], out exemplarTimestampMs))
                    {
                        Fail(ExpositionErrorKind.Syntax, $"expected a timestamp in seconds after the exemplar value, got {Describe(line, pos)}");
                    }

                    exemplarHasTimestamp = true;
                }
            }
        }

        EmitSample(name, series, sampleLabels, value, hasTimestamp, timestampMs, hasExemplar, exemplarValue, exemplarHasTimestamp, exemplarTimestampMs);
    }

    /// <summary>
    /// The fast path of a text-format line whose series the visitor already knows: finds the end of
    /// the label set without parsing it (quotes and escapes respected), reads value and timestamp,
    /// and offers the sample. False, with nothing consumed, when the line is anything else (no
    /// closing brace, a bad number, extra tokens) or the visitor does not know the series: the full
    /// parse then takes it, errors and all.
    /// </summary>
    private bool TryKnownSeries(ReadOnlySpan<byte> line, int nameEnd)
    {
        var end = nameEnd;
        var brace = SkipSpaces(line, nameEnd);
        if (brace < line.Length && line[brace] == '{')
        {
            end = LabelSetEnd(line, brace + 1);
            if (end < 0)
            {
                return false;
            }
        }

        var pos = SkipSpaces(line, end);
        if (pos == end || pos >= line.Length)
        {
            return false;
        }

        var valueEnd = TokenEnd(line, pos);
        if (!ExpositionNumbers.TryParseDouble(line[pos..valueEnd], out var value))
        {
            return false;
        }

        var hasTimestamp = false;
        long timestampMs = 0;
        pos = SkipSpaces(line, valueEnd);
        if (pos < line.Length)
        {
            var tsEnd = TokenEnd(line, pos);
            if (!ExpositionNumbers.TryParseInt64(line[pos..tsEnd], out timestampMs) || SkipSpaces(line, tsEnd) < line.Length)
            {
                return false;
            }

            hasTimestamp = true;
        }

        if (_limits.SampleLimit > 0 && _samples >= _limits.SampleLimit)
        {
            return false; // the full path reports it
        }

        if (!_visitor!.TryOnKnownSeries(line[..end], value, hasTimestamp, timestampMs, _line))
        {
            return false;
        }

        _samples++;
        return true;
    }

    /// <summary>The index just past the <c>}</c> closing a label set that starts at <paramref name="start"/>, or -1.</summary>
    private static int LabelSetEnd(ReadOnlySpan<byte> line, int start)
    {
        var pos = start;
        while (pos < line.Length)
        {
            var next = line[pos..].IndexOfAny((byte)'"', (byte)'}');
            if (next < 0)
            {
                return -1;
            }

            pos += next;
            if (line[pos] == '}')
            {
                return pos + 1;
            }

            // A quoted value: skip to its closing quote, over escapes.
            pos++;
            while (true)
            {
                var quote = line[pos..].IndexOfAny((byte)'"', (byte)'\\');
                if (quote < 0)
                {
                    return -1;
                }

                pos += quote;
                if (line[pos] == '"')
                {
                    pos++;
                    break;
                }

                pos += 2;
                if (pos > line.Length)
                {
                    return -1;
                }
            }
        }

        return -1;
    }

    private void EmitSample(
        ReadOnlySpan<byte> nameUtf8,
        ReadOnlySpan<byte> series,
        int sampleLabels,
        double value,
        bool hasTimestamp,
        long timestampMs,
        bool hasExemplar,
        double exemplarValue,
        bool exemplarHasTimestamp,
        long exemplarTimestampMs)
    {
        if (_limits.SampleLimit > 0 && _samples >= _limits.SampleLimit)
        {
            Fail(ExpositionErrorKind.SampleLimit, $"sample_limit exceeded: the body has more than {_limits.SampleLimit} samples");
        }

        var name = _recentName;
        if (!Ascii.Equals(nameUtf8, name))
        {
            name = _names.Get(nameUtf8);
            _recentName = name;
        }

        var familyName = name;
        var type = MetricType.Unknown;
        string? help = null;
        string? unit = null;
        var role = SampleRole.Value;
        var family = _familyNameUtf8.AsSpan(0, _familyNameLength);
        if (_familyName is not null && nameUtf8.StartsWith(family) && RoleOf(_familyType, nameUtf8[family.Length..]) is { } familyRole)
        {
            familyName = _familyName;
            type = _familyType;
            help = _familyHelp;
            unit = _familyUnit;
            role = familyRole;
        }

        var labels = new ExpositionLabels(
            _labelNames.AsSpan(0, sampleLabels),
            _labelStarts.AsSpan(0, sampleLabels),
            _labelLengths.AsSpan(0, sampleLabels),
            _values.AsSpan(0, _valuesLength));
        var bound = double.NaN;
        if (role is SampleRole.Bucket or SampleRole.Quantile)
        {
            bound = ReadBound(labels, role, name);
        }

        var exemplar = default(ExpositionExemplar);
        if (hasExemplar)
        {
            if (role is not (SampleRole.Total or SampleRole.Bucket))
            {
                Fail(ExpositionErrorKind.Syntax, $"exemplar on \"{name}\": only counter _total and histogram _bucket samples may have one");
            }

            exemplar = new ExpositionExemplar(
                new ExpositionLabels(
                    _labelNames.AsSpan(sampleLabels, _labelCount - sampleLabels),
                    _labelStarts.AsSpan(sampleLabels, _labelCount - sampleLabels),
                    _labelLengths.AsSpan(sampleLabels, _labelCount - sampleLabels),
                    _values.AsSpan(0, _valuesLength)),
                exemplarValue,
                exemplarHasTimestamp,
                exemplarTimestampMs);
        }

        _samples++;
        var sample = new ExpositionSample(
            name, familyName, type, help, unit, role, bound, labels, series, value, hasTimestamp, timestampMs, hasExemplar, exemplar, _line);
        _visitor!.OnSample(in sample);
    }

    private double ReadBound(ExpositionLabels labels, SampleRole role, string name)
    {
        var labelName = role == SampleRole.Bucket ? "le" : "quantile";
        if (labels.TryGetValueUtf8(labelName, out var text) && ExpositionNumbers.TryParseDouble(text, out var bound))
        {
            return bound;
        }

        // The text format has no rule for it; OpenMetrics requires it.
        if (_openMetrics)
        {
            Fail(ExpositionErrorKind.Syntax, $"\"{name}\" needs a numeric \"{labelName}\" label");
        }

        return double.NaN;
    }

    private static SampleRole? RoleOf(MetricType type, ReadOnlySpan<byte> suffix)
    {
        if (suffix.IsEmpty)
        {
            return type switch
            {
                MetricType.Summary => SampleRole.Quantile,
                MetricType.StateSet => SampleRole.State,
                MetricType.Histogram or MetricType.GaugeHistogram or MetricType.Info => null,
                _ => SampleRole.Value,
            };
        }

        if (suffix[0] != '_')
        {
            return null;
        }

        return type switch
        {
            MetricType.Counter when suffix.SequenceEqual("_total"u8) => SampleRole.Total,
            MetricType.Counter or MetricType.Histogram or MetricType.Summary when suffix.SequenceEqual("_created"u8) => SampleRole.Created,
            MetricType.Histogram or MetricType.GaugeHistogram when suffix.SequenceEqual("_bucket"u8) => SampleRole.Bucket,
            MetricType.Histogram or MetricType.Summary when suffix.SequenceEqual("_sum"u8) => SampleRole.Sum,
            MetricType.Histogram or MetricType.Summary when suffix.SequenceEqual("_count"u8) => SampleRole.Count,
            MetricType.GaugeHistogram when suffix.SequenceEqual("_gsum"u8) => SampleRole.GaugeSum,
            MetricType.GaugeHistogram when suffix.SequenceEqual("_gcount"u8) => SampleRole.GaugeCount,
            MetricType.Info when suffix.SequenceEqual("_info"u8) => SampleRole.Info,
            _ => null,
        };
    }

    /// <summary>Parses <c>name="value",…}</c> from just after the brace; returns the position after the closing brace.</summary>
    private int ParseLabels(ReadOnlySpan<byte> line, int pos, ReadOnlySpan<byte> metric, bool exemplar)
    {
        var first = _labelCount;
        if (!_openMetrics)
        {
            pos = SkipSpaces(line, pos);
        }

        if (pos < line.Length && line[pos] == '}')
        {
            return pos + 1;
        }

        while (true)
        {
            var nameEnd = ScanLabelName(line, pos);
            if (nameEnd == pos)
            {
                Fail(ExpositionErrorKind.Syntax, $"expected label name, got {Describe(line, pos)}");
            }

            var labelName = line[pos..nameEnd];
            if (!exemplar && _limits.LabelNameLengthLimit > 0 && labelName.Length > _limits.LabelNameLengthLimit)
            {
                Fail(
                    ExpositionErrorKind.LabelNameLengthLimit,
                    $"label_name_length_limit exceeded (metric: {Encoding.ASCII.GetString(metric)}, label name: {Encoding.ASCII.GetString(labelName)}, length: {labelName.Length}, limit: {_limits.LabelNameLengthLimit})");
            }

            pos = _openMetrics ? nameEnd : SkipSpaces(line, nameEnd);
            if (pos >= line.Length || line[pos] != '=')
            {
                Fail(ExpositionErrorKind.Syntax, $"expected equal, got {Describe(line, pos)}");
            }

            pos = _openMetrics ? pos + 1 : SkipSpaces(line, pos + 1);
            if (pos >= line.Length || line[pos] != '"')
            {
                Fail(ExpositionErrorKind.Syntax, $"expected label value, got {Describe(line, pos)}");
            }

            var valueStart = _valuesLength;
            pos = ReadQuoted(line, pos + 1);
            var valueLength = _valuesLength - valueStart;
            var labelValue = _values.AsSpan(valueStart, valueLength);
            if (!Utf8.IsValid(labelValue))
            {
                Fail(ExpositionErrorKind.Syntax, $"invalid UTF-8 in the value of label \"{Encoding.ASCII.GetString(labelName)}\"");
            }

            if (!exemplar && _limits.LabelValueLengthLimit > 0 && valueLength > _limits.LabelValueLengthLimit)
            {
                Fail(
                    ExpositionErrorKind.LabelValueLengthLimit,
                    $"label_value_length_limit exceeded (metric: {Encoding.ASCII.GetString(metric)}, label name: {Encoding.ASCII.GetString(labelName)}, length: {valueLength}, limit: {_limits.LabelValueLengthLimit})");
            }

            AddLabel(InternLabelName(labelName, _labelCount - first, exemplar), valueStart, valueLength, first, metric);
            if (!_openMetrics)
            {
                pos = SkipSpaces(line, pos);
            }

            if (pos >= line.Length)
            {
                Fail(ExpositionErrorKind.Syntax, "expected comma or \"}\" after label value, got end of line");
            }

            if (line[pos] == '}')
            {
                pos++;
                break;
            }

            if (line[pos] != ',')
            {
                Fail(ExpositionErrorKind.Syntax, $"expected comma or \"}}\" after label value, got {Describe(line, pos)}");
            }

            pos = _openMetrics ? pos + 1 : SkipSpaces(line, pos + 1);
            if (pos < line.Length && line[pos] == '}')
            {
                if (_openMetrics)
                {
                    Fail(ExpositionErrorKind.Syntax, "unexpected \"}\" after comma (OpenMetrics has no trailing comma in a label set)");
                }

                pos++;
                break;
            }
        }

        var count = _labelCount - first;
        if (!exemplar && _limits.LabelLimit > 0 && count > _limits.LabelLimit)
        {
            Fail(
                ExpositionErrorKind.LabelLimit,
                $"label_limit exceeded (metric: {Encoding.ASCII.GetString(metric)}, number of labels: {count}, limit: {_limits.LabelLimit})");
        }

        return pos;
    }

    private string InternLabelName(ReadOnlySpan<byte> labelName, int index, bool exemplar)
    {
        if (exemplar)
        {
            return _names.Get(labelName);
        }

        if (index >= _recentLabelNames.Length)
        {
            Array.Resize(ref _recentLabelNames, index * 2);
        }

        var recent = _recentLabelNames[index];
        if (recent is not null && Ascii.Equals(labelName, recent))
        {
            return recent;
        }

        recent = _names.Get(labelName);
        _recentLabelNames[index] = recent;
        return recent;
    }

    private void AddLabel(string name, int valueStart, int valueLength, int first, ReadOnlySpan<byte> metric)
    {
        for (var i = first; i < _labelCount; i++)
        {
            if (string.Equals(_labelNames[i], name, StringComparison.Ordinal))
            {
                Fail(ExpositionErrorKind.Syntax, $"duplicate label name \"{name}\" in {Encoding.ASCII.GetString(metric)}");
            }
        }

        if (_labelCount == _labelNames.Length)
        {
            Array.Resize(ref _labelNames, _labelCount * 2);
            Array.Resize(ref _labelStarts, _labelCount * 2);
            Array.Resize(ref _labelLengths, _labelCount * 2);
        }

        _labelNames[_labelCount] = name;
        _labelStarts[_labelCount] = valueStart;
        _labelLengths[_labelCount] = valueLength;
        _labelCount++;
    }

    private void CheckExemplarLabelLength(int first)
    {
        var chars = 0;
        for (var i = first; i < _labelCount; i++)
        {
            chars += _labelNames[i].Length;
            foreach (var b in _values.AsSpan(_labelStarts[i], _labelLengths[i]))
            {
                // Count characters, not bytes: skip UTF-8 continuation bytes.
                if ((b & 0xC0) != 0x80)
                {
                    chars++;
                }
            }
        }

        if (chars > MaxExemplarLabelChars)
        {
            Fail(ExpositionErrorKind.Syntax, $"exemplar labels are {chars} characters long (at most {MaxExemplarLabelChars})");
        }
    }

    /// <summary>Copies a quoted value, unescaped, to <see cref="_values"/>; returns the position after the closing quote.</summary>
    private int ReadQuoted(ReadOnlySpan<byte> line, int pos)
    {
        while (true)
        {
            var rest = line[pos..];
            var special = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (special < 0)
            {
                Fail(ExpositionErrorKind.Syntax, "label value is not terminated (missing closing quote)");
            }

            AppendValue(rest[..special]);
            pos += special;
            if (line[pos] == '"')
            {
                return pos + 1;
            }

            if (pos + 1 >= line.Length)
            {
                Fail(ExpositionErrorKind.Syntax, "label value is not terminated (missing closing quote)");
            }

            switch (line[pos + 1])
            {
                case (byte)'\\':
                    AppendValue("\\"u8);
                    break;
                case (byte)'"':
                    AppendValue("\""u8);
                    break;
                case (byte)'n':
                    AppendValue("\n"u8);
                    break;
                default:
                    // Not an escape of either format: kept as written.
                    AppendValue(line.Slice(pos, 2));
                    break;
            }

            pos += 2;
        }
    }

    private void AppendValue(ReadOnlySpan<byte> bytes)
    {
        if (_valuesLength + bytes.Length > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, _valuesLength + bytes.Length));
        }

        bytes.CopyTo(_values.AsSpan(_valuesLength));
        _valuesLength += bytes.Length;
    }

    private string UnescapeHelp(ReadOnlySpan<byte> text)
    {
        if (text.IndexOf((byte)'\\') < 0)
        {
            return _names.Get(text);
        }

        _valuesLength = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (next == '\\' || next == 'n' || (next == '"' && _openMetrics))
                {
                    AppendValue(next == 'n' ? "\n"u8 : text.Slice(i + 1, 1));
                    i++;
                    continue;
                }
            }

            AppendValue(text.Slice(i, 1));
        }

        return _names.Get(_values.AsSpan(0, _valuesLength));
    }

    private void SetFamily(ReadOnlySpan<byte> name)
    {
        if (_familyName is not null && name.SequenceEqual(_familyNameUtf8.AsSpan(0, _familyNameLength)))
        {
            return;
        }

        if (name.Length > _familyNameUtf8.Length)
        {
            _familyNameUtf8 = new byte[name.Length * 2];
        }

        name.CopyTo(_familyNameUtf8);
        _familyNameLength = name.Length;
        _familyName = _names.Get(name);
        _familyType = MetricType.Unknown;
        _familyHelp = null;
        _familyUnit = null;
    }

    private void ResetFamily()
    {
        _familyName = null;
        _familyNameLength = 0;
        _familyType = MetricType.Unknown;
        _familyHelp = null;
        _familyUnit = null;
    }

    /// <summary>The separator before the next token: spaces or tabs in text, exactly one space in OpenMetrics.</summary>
    private int ExpectSeparator(ReadOnlySpan<byte> line, int pos, string what)
    {
        if (_openMetrics)
        {
            if (pos >= line.Length || line[pos] != ' ' || pos + 1 >= line.Length || line[pos + 1] == ' ')
            {
                Fail(ExpositionErrorKind.Syntax, $"expected a single space and the {what}, got {Describe(line, pos)}");
            }

            return pos + 1;
        }

        var next = SkipSpaces(line, pos);
        if (next == pos || next >= line.Length)
        {
            Fail(ExpositionErrorKind.Syntax, $"expected {what} after metric, got {Describe(line, next == pos ? pos : next)}");
        }

        return next;
    }

    private MetricType FailType(ReadOnlySpan<byte> type, string expected)
    {
        Fail(ExpositionErrorKind.Syntax, $"invalid metric type \"{Printable(type)}\" (expected {expected})");
        return default;
    }

    [DoesNotReturn]
    private void Fail(ExpositionErrorKind kind, string reason) =>
        throw new ExpositionException(new ExpositionError(kind, reason, _line));

    private static int ScanMetricName(ReadOnlySpan<byte> line, int pos)
    {
        if (pos >= line.Length || (CharClasses[line[pos]] & MetricNameStart) == 0)
        {
            return pos;
        }

        var i = pos + 1;
        while (i < line.Length && (CharClasses[line[i]] & MetricNameChar) != 0)
        {
            i++;
        }

        return i;
    }

    private static int ScanLabelName(ReadOnlySpan<byte> line, int pos)
    {
        if (pos >= line.Length || (CharClasses[line[pos]] & LabelNameStart) == 0)
        {
            return pos;
        }

        var i = pos + 1;
        while (i < line.Length && (CharClasses[line[i]] & LabelNameChar) != 0)
        {
            i++;
        }

        return i;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && line[pos] is (byte)' ' or (byte)'\t')
        {
            pos++;
        }

        return pos;
    }

    private static int TokenEnd(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && line[pos] is not ((byte)' ' or (byte)'\t'))
        {
            pos++;
        }

        return pos;
    }

    private static int IndexOfSpace(ReadOnlySpan<byte> line, int pos)
    {
        var i = line[pos..].IndexOf((byte)' ');
        return i < 0 ? line.Length : pos + i;
    }

    /// <summary>The token at <paramref name="pos"/>, quoted, for an error message.</summary>
    private static string Describe(ReadOnlySpan<byte> line, int pos)
    {
        if (pos >= line.Length)
        {
            return "end of line";
        }

        var end = pos + 1;
        while (line[pos] is not ((byte)' ' or (byte)'\t') && end < line.Length && end - pos < 40 && line[end] is not ((byte)' ' or (byte)'\t' or (byte)'{' or (byte)'}' or (byte)'=' or (byte)',' or (byte)'"'))
        {
            end++;
        }

        return $"\"{Printable(line[pos..end])}\"";
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static byte[] BuildCharClasses()
    {
        var classes = new byte[256];
        for (var c = 0; c < 256; c++)
        {
            var letter = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_';
            var digit = c is >= '0' and <= '9';
            if (letter || c == ':')
            {
                classes[c] |= MetricNameStart | MetricNameChar;
            }

            if (digit)
            {
                classes[c] |= MetricNameChar | LabelNameChar;
            }

            if (letter)
            {
                classes[c] |= LabelNameStart | LabelNameChar;
            }
        }

        return classes;
    }
}
