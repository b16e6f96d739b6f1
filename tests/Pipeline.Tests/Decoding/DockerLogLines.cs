using System.Text;

namespace Pipeline.Tests.Decoding;

/// <summary>
/// Writes lines the way docker's json-file driver does: output split into 16 KiB pieces
/// before encoding, <c>"</c> <c>\</c> and control characters escaped, <c>&lt; &gt; &amp;</c> as
/// <c>\u003c</c>-style escapes, other text as raw UTF-8.
/// </summary>
internal static class DockerLogLines
{
    public const int SplitSize = 16 * 1024;

    public const string Time = "2026-11-25T10:00:00.000000123Z";

    /// <summary>Unix nanoseconds of <see cref="Time"/>.</summary>
    public const long TimeUnixNanos = 1_795_600_800_000_000_123;

    /// <summary>The lines docker writes for one line of output (without its newline).</summary>
    public static List<byte[]> Write(byte[] output, string stream = "stdout", string time = Time)
    {
        var withNewline = new byte[output.Length + 1];
        output.CopyTo(withNewline, 0);
        withNewline[^1] = (byte)'\n';
        var lines = new List<byte[]>();
        for (var start = 0; start < withNewline.Length; start += SplitSize)
        {
            var piece = withNewline.AsSpan(start, Math.Min(SplitSize, withNewline.Length - start));
            lines.Add(Line(piece, stream, time));
        }

        return lines;
    }

    public static byte[] Line(string log, string stream = "stdout", string time = Time) => Line(Encoding.UTF8.GetBytes(log), stream, time);

    public static byte[] Line(ReadOnlySpan<byte> log, string stream = "stdout", string time = Time)
    {
        var json = new List<byte>(log.Length + 64);
        json.AddRange("{\"log\":\""u8);
        foreach (var b in log)
        {
            switch (b)
            {
                case (byte)'"':
                    json.AddRange("\\\""u8);
                    break;
                case (byte)'\\':
                    json.AddRange("\\\\"u8);
                    break;
                case (byte)'\n':
                    json.AddRange("\\n"u8);
                    break;
                case (byte)'\r':
                    json.AddRange("\\r"u8);
                    break;
                case (byte)'\t':
                    json.AddRange("\\t"u8);
                    break;
                case < 0x20 or (byte)'<' or (byte)'>' or (byte)'&':
                    json.AddRange(Encoding.ASCII.GetBytes($"\\u{b:x4}"));
                    break;
                default:
                    json.Add(b);
                    break;
            }
        }

        json.AddRange(Encoding.ASCII.GetBytes($"\",\"stream\":\"{stream}\",\"time\":\"{time}\"}}"));
        return [.. json];
    }
}
