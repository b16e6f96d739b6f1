using Pipeline.Grains.Batching;
using Xunit;

namespace Pipeline.Tests.Decoding;

public sealed class Utf8RepairTests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0xC0, 0x80, 0x62 }, new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x62 })] // overlong NUL
    [InlineData(new byte[] { 0x61, 0xE0, 0x80, 0x80 }, new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD })] // overlong 3-byte
    [InlineData(new byte[] { 0x61, 0x80, 0x62 }, new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0x62 })] // lone continuation
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, new byte[] { 0x61, 0xEF, 0xBF, 0xBD })] // cut 3-byte sequence at the end
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, new byte[] { 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD })] // encoded surrogate
    [InlineData(new byte[] { 0xF8, 0x61 }, new byte[] { 0xEF, 0xBF, 0xBD, 0x61 })] // never a lead byte
    public void Invalid_utf8_in_a_message_is_replaced_by_U_FFFD(byte[] message, byte[] repaired)
    {
        var harness = new DecoderHarness();

        harness.Feed([.. "2026-11-25T10:00:00Z stdout F "u8, .. message]);

        var record = Assert.Single(harness.Records);
        Assert.Equal(repaired, record.Message);
        Assert.Equal(LogRecordFlags.Utf8Repaired, record.Flags);
        Assert.Equal(1, harness.Decoder.Utf8Repairs);
    }

    [Fact]
    public void Valid_multibyte_text_is_not_flagged()
    {
        var harness = new DecoderHarness();

        harness.Feed("2026-11-25T10:00:00Z stdout F ü € 😀 \u0000");

        Assert.Equal(LogRecordFlags.None, Assert.Single(harness.Records).Flags);
        Assert.Equal(0, harness.Decoder.Utf8Repairs);
    }

    [Fact]
    public void Unparsed_raw_line_with_invalid_utf8_is_repaired()
    {
        var harness = new DecoderHarness();

        harness.Feed([0x6F, 0x6B, 0xFF, 0xE2, 0x82]);

        var record = Assert.Single(harness.Records);
        Assert.Equal("ok\uFFFD\uFFFD", record.Text);
        Assert.Equal(LogRecordFlags.Unparsed | LogRecordFlags.Utf8Repaired, record.Flags);
    }
}
