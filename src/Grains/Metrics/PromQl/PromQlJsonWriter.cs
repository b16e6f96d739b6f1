using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Grains.Metrics.PromQl;

/// <summary>
/// Writes query answers and errors in the exact JSON shape of Prometheus's HTTP API, so Grafana's
/// Prometheus data source reads them unchanged: times as Unix seconds with at most three decimals,
/// values as strings formatted as Prometheus's <c>jsonutil.MarshalValue</c> formats them (Go's shortest
/// round-trip digits, plain below 1e21 and from 1e-6 on, exponent form outside that).
/// </summary>
public static class PromQlJsonWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A writer with the escaping Prometheus's answers use, for the API's other answers (series, labels, metadata).</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, Options);

    /// <summary>A successful answer: <c>{"status":"success","data":{"resultType":…,"result":…}}</c>.</summary>
    public static void WriteSuccess(IBufferWriter<byte> output, PromQlResult result)
    {
        using var json = CreateWriter(output);
        json.WriteStartObject();
        json.WriteString("status", "success");
        json.WriteStartObject("data");
        switch (result.Type)
        {
            case PromQlValueType.Vector:
                json.WriteString("resultType", "vector");
                json.WriteStartArray("result");
                foreach (var sample in result.Vector)
                {
                    json.WriteStartObject();
                    WriteMetric(json, sample.Labels);
                    json.WritePropertyName("value");
                    WritePoint(json, result.TimeMs, sample.Value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            case PromQlValueType.Matrix:
                json.WriteString("resultType", "matrix");
                json.WriteStartArray("result");
                foreach (var series in result.Matrix)
                {
                    json.WriteStartObject();
                    WriteMetric(json, series.Labels);
                    json.WriteStartArray("values");
                    for (var i = 0; i < series.Count; i++)
                    {
                        WritePoint(json, series.TimestampsMs[i], series.Values[i]);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            case PromQlValueType.Scalar:
                json.WriteString("resultType", "scalar");
                json.WritePropertyName("result");
                json.WriteStartArray();
                WriteSeconds(json, result.TimeMs);
                json.WriteStringValue(FormatValue(result.Scalar));
                json.WriteEndArray();
                break;
            default:
                json.WriteString("resultType", "string");
                json.WriteStartArray("result");
                WriteSeconds(json, result.TimeMs);
                json.WriteStringValue(result.String);
                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>An error answer: <c>{"status":"error","errorType":…,"error":…}</c>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string errorType, string message)
    {
        using var json = CreateWriter(output);
        json.WriteStartObject();
        json.WriteString("status", "error");
        json.WriteString("errorType", errorType);
        json.WriteString("error", message);
        json.WriteEndObject();
    }

    /// <summary>Convenience for tests and small answers: the success JSON as a string.</summary>
    public static string ToJson(PromQlResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteSuccess(buffer, result);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMetric(Utf8JsonWriter json, Scraping.Relabeling.LabelSet labels)
    {
        json.WriteStartObject("metric");
        foreach (var label in labels)
        {
            json.WriteString(label.Name, label.Value);
        }

        json.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter json, long timeMs, double value)
    {
        json.WriteStartArray();
        WriteTime(json, timeMs);
        json.WriteStringValue(FormatValue(value));
        json.WriteEndArray();
    }

    /// <summary>A scalar's or string's time: Prometheus marshals those as a plain float of seconds (<c>1700000000.05</c>).</summary>
    private static void WriteSeconds(Utf8JsonWriter json, long timeMs) =>
        json.WriteRawValue(FormatValue(timeMs / 1000.0), skipInputValidation: true);

    /// <summary>Unix seconds with the milliseconds as a fraction, written as Prometheus writes them (<c>1700000000.05</c> is <c>1700000000.050</c>).</summary>
    private static void WriteTime(Utf8JsonWriter json, long timeMs)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = 0;
        var t = timeMs;
        if (t < 0)
        {
            buffer[length++] = (byte)'-';
            t = -t;
        }

        (t / 1000).TryFormat(buffer[length..], out var written, default, CultureInfo.InvariantCulture);
        length += written;
        var fraction = t % 1000;
        if (fraction != 0)
        {
            buffer[length++] = (byte)'.';
            fraction.TryFormat(buffer[length..], out written, "000", CultureInfo.InvariantCulture);
            length += written;
        }

        json.WriteRawValue(buffer[..length], skipInputValidation: true);
    }

    /// <summary>
    /// Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c> (the shortest digits that round-trip, no exponent), except
    /// that, as Prometheus does, magnitudes below 1e-6 or from 1e21 on use <c>'e'</c> (<c>1e+21</c>, <c>1.5e-07</c>);
    /// NaN, +Inf, -Inf.
    /// </summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var negative = text[0] == '-';
        var mantissa = text[(negative ? 1 : 0)..e];
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var magnitude = Math.Abs(value);
        if (magnitude < 1e-6 || magnitude >= 1e21)
        {
            // Go's 'e': d.ddde±XX, the exponent at least two digits.
            return $"{(negative ? "-" : "")}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }

        // d.dddE±x: move the point x places.
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = (point < 0 ? mantissa.Length : point) + exponent;
        var result = new StringBuilder();
        if (negative)
        {
            result.Append('-');
        }

        if (integerDigits <= 0)
        {
            result.Append("0.").Append('0', -integerDigits).Append(digits);
        }
        else if (integerDigits >= digits.Length)
        {
            result.Append(digits).Append('0', integerDigits - digits.Length);
        }
        else
        {
            result.Append(digits, 0, integerDigits).Append('.').Append(digits, integerDigits, digits.Length - integerDigits);
        }

        return result.ToString();
    }
}
