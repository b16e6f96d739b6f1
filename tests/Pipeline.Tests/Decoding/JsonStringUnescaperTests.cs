using System.Text;
using Pipeline.Grains.Collection.Decoding;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class JsonStringUnescaperTests
{
    [Theory]
    [InlineData("plain", "plain", false)]
    [InlineData(@"ends in backslash \\", "ends in backslash \\", false)]
    [InlineData(@"quote \""inside\""", "quote \"inside\"", false)]
    [InlineData(@"\/\b\f\n\r\t", "/\b\f\n\r\t", false)]
    [InlineData(@"\u00e9\u00C9\u20ac\u0000", "éÉ€\0", false)]
    [InlineData(@"\ud83d\ude00", "😀", false)]
    [InlineData(@"\ud83dx", "\uFFFDx", true)]
    [InlineData(@"\ude00\ud83d", "\uFFFD\uFFFD", true)]
    [InlineData(@"\ud83d\u0041", "\uFFFDA", true)]
    public void Read_string_and_unescape_agree_on_escapes(string body, string expected, bool replaced)
    {
        var escaped = Encoding.UTF8.GetBytes(body);
        var quoted = Encoding.UTF8.GetBytes(body + "\",\"next\":1");
        var scratch = new byte[quoted.Length];

        var end = JsonStringUnescaper.ReadString(quoted, scratch, out var read, out var readReplaced);
        var ok = JsonStringUnescaper.TryUnescape(escaped, new byte[escaped.Length], out var written, out var unescapeReplaced);

        Assert.Equal(escaped.Length, end);
        Assert.Equal(expected, Encoding.UTF8.GetString(read));
        Assert.Equal(replaced, readReplaced);
        Assert.True(ok);
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), written);
        Assert.Equal(replaced, unescapeReplaced);
    }

    [Theory]
    [InlineData("no closing quote")]
    [InlineData(@"escaped quote is not the end \""")]
    [InlineData(@"bad \x escape""")]
    [InlineData(@"short \u12"" hex")]
    [InlineData(@"bad \u12G4"" hex")]
    [InlineData(@"backslash at the end \")]
    public void Unterminated_or_malformed_strings_are_refused(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.Equal(-1, JsonStringUnescaper.ReadString(bytes, new byte[bytes.Length], out _, out _));
    }
}
