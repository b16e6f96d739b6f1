using System.Text;

namespace Pipeline.Benchmarks.Decoding;

/// <summary>
/// Realistic container output of about 180 bytes a line, written as docker json-file and CRI
/// lines: HTTP access logs (quotes to escape), JSON application logs (many escapes, some
/// non-ASCII) and plain framework logs. Seeded, so every run decodes the same bytes.
/// </summary>
internal static class SampleContainerLogs
{
    private static readonly string[] Paths = ["/api/v1/orders", "/api/v1/cart/items", "/healthz", "/metrics", "/static/app.js", "/api/v1/users/me"];
    private static readonly string[] Agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "kube-probe/1.31", "Prometheus/3.0.1", "curl/8.5.0"];
    private static readonly string[] Messages = ["order created", "payment authorised", "cache miss, loading from \"primary\"", "retrying request", "Bestellung für Müller gespeichert"];

    public static string Output(Random random, int i) => (i % 3) switch
    {
        0 => $"10.244.{random.Next(0, 8)}.{random.Next(2, 250)} - - [25/Nov/2026:10:00:{i % 60:00} +0000] \"GET {Paths[random.Next(Paths.Length)]}?page={random.Next(1, 40)} HTTP/1.1\" {(random.Next(10) == 0 ? 503 : 200)} {random.Next(100, 90_000)} \"-\" \"{Agents[random.Next(Agents.Length)]}\" 0.{random.Next(1, 999):000}",
        1 => $"{{\"level\":\"info\",\"ts\":\"2026-11-25T10:00:{i % 60:00}.{random.Next(0, 999):000}Z\",\"logger\":\"shop.orders\",\"msg\":\"{Messages[random.Next(Messages.Length)].Replace("\"", "\\\"", StringComparison.Ordinal)}\",\"order_id\":{random.Next(10_000, 99_999)},\"user\":\"u-{random.Next(1, 999)}\",\"took_ms\":{random.NextDouble() * 50:0.00}}}",
        _ => $"2026-11-25 10:00:{i % 60:00}.{random.Next(0, 999):000}  INFO 1 --- [nio-8080-exec-{random.Next(1, 10)}] c.e.shop.web.OrderController : Order {random.Next(10_000, 99_999)} created for customer {random.Next(1, 9_999)} in {random.Next(1, 80)} ms",
    };

    /// <summary>Docker json-file lines in the exact shape docker writes.</summary>
    public static byte[][] DockerLines(int count, bool withAttrs = false)
    {
        var random = new Random(42);
        var lines = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var time = $"2026-11-25T10:00:{i % 60:00}.{random.Next(0, 999_999_999):000000000}Z";
            var log = JsonString(Output(random, i) + "\n");
            var stream = i % 10 == 0 ? "stderr" : "stdout";
            lines[i] = Encoding.UTF8.GetBytes(withAttrs
                ? $"{{\"log\":\"{log}\",\"stream\":\"{stream}\",\"attrs\":{{\"tag\":\"web\"}},\"time\":\"{time}\"}}"
                : $"{{\"log\":\"{log}\",\"stream\":\"{stream}\",\"time\":\"{time}\"}}");
        }

        return lines;
    }

    /// <summary>CRI lines; every twentieth output line is split into P, P, F pieces.</summary>
    public static byte[][] CriLines(int count)
    {
        var random = new Random(42);
        var lines = new List<byte[]>(count);
        for (var i = 0; lines.Count < count; i++)
        {
            var time = $"2026-11-25T10:00:{i % 60:00}.{random.Next(0, 999_999_999):000000000}Z";
            var stream = i % 10 == 0 ? "stderr" : "stdout";
            var output = Output(random, i);
            if (i % 20 == 7 && count - lines.Count >= 3)
            {
                var third = output.Length / 3;
                lines.Add(Encoding.UTF8.GetBytes($"{time} {stream} P {output[..third]}"));
                lines.Add(Encoding.UTF8.GetBytes($"{time} {stream} P {output[third..(2 * third)]}"));
                lines.Add(Encoding.UTF8.GetBytes($"{time} {stream} F {output[(2 * third)..]}"));
            }
            else
            {
                lines.Add(Encoding.UTF8.GetBytes($"{time} {stream} F {output}"));
            }
        }

        return [.. lines];
    }

    // Escapes as docker's json-file driver does: \" \\ \n \r \t, other controls and < > & as \u00XX.
    private static string JsonString(string value)
    {
        var escaped = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => escaped.Append("\\\""),
                '\\' => escaped.Append("\\\\"),
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                < ' ' or '<' or '>' or '&' => escaped.Append($"\\u{(int)c:x4}"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
