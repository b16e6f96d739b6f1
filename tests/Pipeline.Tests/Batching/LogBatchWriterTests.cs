using System.Text;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Xunit;

namespace Pipeline.Tests.Batching;

public sealed class LogBatchWriterTests
{
    private static readonly LogSource A = new() { FileKey = "00000000000000aa", Path = "/a.log", Namespace = "shop" };
    private static readonly LogSource B = new() { FileKey = "00000000000000bb", Path = "/b.log", Namespace = "shop" };

    [Fact]
    public void Records_come_back_as_written_with_their_sources()
    {
        var writer = new LogBatchWriter(initialCapacity: 16);
        writer.Append(A, 0, 1_000, LogStream.Stdout, LogRecordFlags.None, "first"u8);
        writer.Append(B, 10, 2_000, LogStream.Stderr, LogRecordFlags.Truncated | LogRecordFlags.Utf8Repaired, "second ✓"u8);
        writer.Append(A, 20, 3_000, LogStream.Stdout, LogRecordFlags.None, ""u8);

        var batch = writer.Build("shop", "node-1", 7);

        Assert.Equal(3, batch.Count);
        Assert.Equal(2, batch.Sources.Length);
        Assert.Equal(7, batch.Sequence);
        var seen = new List<string>();
        foreach (var record in new LogRecordReader(batch))
        {
            seen.Add($"{record.Source.Path}|{record.Offset}|{record.TimeUnixNanos}|{record.Stream}|{record.Flags}|{Encoding.UTF8.GetString(record.Message)}|{record.Id}");
        }

        Assert.Equal(
            [
                "/a.log|0|1000|Stdout|None|first|00000000000000aa-0",
                "/b.log|10|2000|Stderr|Truncated, Utf8Repaired|second ✓|00000000000000bb-10",
                "/a.log|20|3000|Stdout|None||00000000000000aa-20",
            ],
            seen);
    }

    [Fact]
    public void Build_resets_the_writer_for_the_next_batch()
    {
        var writer = new LogBatchWriter();
        writer.Append(A, 0, 1, LogStream.Stdout, LogRecordFlags.None, "x"u8);
        writer.Build("shop", "n", 1);

        Assert.Equal(0, writer.Count);
        Assert.Equal(0, writer.Length);
        writer.Append(B, 5, 1, LogStream.Stdout, LogRecordFlags.None, "y"u8);
        var second = writer.Build("shop", "n", 2);
        Assert.Equal([B], second.Sources);
    }

    [Fact]
    public void A_corrupt_payload_is_reported_not_misread()
    {
        var writer = new LogBatchWriter();
        writer.Append(A, 0, 1, LogStream.Stdout, LogRecordFlags.None, "hello"u8);
        var batch = writer.Build("shop", "n", 1);
        var cut = new LogBatch { Tenant = batch.Tenant, Node = batch.Node, Sources = batch.Sources, Payload = batch.Payload[..^2], Count = 1 };

        Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new LogRecordReader(cut);
            while (reader.MoveNext())
            {
            }
        });
    }
}
