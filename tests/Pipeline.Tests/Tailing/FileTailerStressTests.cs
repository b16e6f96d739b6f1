using System.Globalization;
using System.Text;
using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class FileTailerStressTests : IDisposable
{
    private const int TotalLines = 20_000;
    private const int RotationCount = 10;

    private readonly TailingSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    /// <summary>
    /// Writes, rename rotations, rescans and reads interleaved in one thread by a seeded random
    /// schedule: lines split across writes, the writer going on into the renamed file for a while,
    /// small read budgets, successors found while still empty.
    /// </summary>
    [Fact]
    public void Rename_rotations_under_load_hand_out_every_line_once_in_order()
    {
        var log = _sandbox.LogPath("app.log");
        var random = new Random(20261125);
        var sink = new RecordingLineSink();
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.MaxLineBytes = 1024;
            options.ReadBufferBytes = 4096;
        });
        var writer = TailingSandbox.OpenWriter(log);
        var next = 0;
        var rotations = 0;
        var carry = string.Empty;
        var rescannedSinceRotation = true;
        var linesInCurrentFile = 0;

        while (next < TotalLines || carry.Length > 0 || rotations < RotationCount)
        {
            switch (random.Next(10))
            {
                case < 4 when next < TotalLines || carry.Length > 0:
                    var count = Math.Min(random.Next(1, 300), TotalLines - next);
                    var text = carry + Lines(random, next, count);
                    next += count;
                    linesInCurrentFile += count;
                    var cut = random.Next(4) == 0 ? random.Next(text.Length + 1) : text.Length;
                    TailingSandbox.Write(writer, text[..cut]);
                    carry = text[cut..];
                    break;
                case < 8:
                    foreach (var file in tailer.Files)
                    {
                        tailer.Read(file, sink, random.Next(64, 64 * 1024));
                    }

                    sink.CommitAll(tailer);
                    break;
                case 8:
                    _sandbox.Time.Advance(TimeSpan.FromSeconds(random.Next(4)));
                    tailer.Rescan();
                    rescannedSinceRotation = true;
                    break;
                case 9 when rescannedSinceRotation && carry.Length == 0 && linesInCurrentFile > 0 && rotations < RotationCount:
                    File.Move(log, $"{log}.{rotations}");
                    var late = Math.Min(random.Next(20), TotalLines - next);
                    TailingSandbox.Write(writer, Lines(random, next, late));
                    next += late;
                    writer.Dispose();
                    writer = TailingSandbox.OpenWriter(log);
                    rotations++;
                    linesInCurrentFile = 0;
                    rescannedSinceRotation = false;
                    break;
                default:
                    break;
            }
        }

        writer.Dispose();
        for (var round = 0; round < 10 && !(tailer.Files.Count == 1 && tailer.AllAtEof); round++)
        {
            _sandbox.Time.Advance(TimeSpan.FromSeconds(TailOptions.DefaultRotateWaitSeconds));
            tailer.Rescan();
            TailingSandbox.ReadToEnd(tailer, sink, maxBytes: 8192);
            sink.CommitAll(tailer);
            tailer.Rescan();
        }

        var generations = sink.Lines
            .GroupBy(line => line.FileKey)
            .Select(group => group.Select(line => int.Parse(line.Text.AsSpan(0, 6), CultureInfo.InvariantCulture)).ToList())
            .OrderBy(numbers => numbers[0])
            .ToList();
        Assert.Equal(RotationCount + 1, generations.Count);
        foreach (var numbers in generations)
        {
            Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        }

        Assert.Equal(Enumerable.Range(0, TotalLines), generations.SelectMany(numbers => numbers));
        Assert.Equal(RotationCount, tailer.Rotations);
        Assert.Equal(RotationCount + 1, tailer.FilesOpened);
        Assert.Single(tailer.Files);
        Assert.True(sink.Lines.All(line => line.Text.Length >= 7 && !line.Truncated));
    }

    private static string Lines(Random random, int first, int count)
    {
        var text = new StringBuilder();
        for (var number = first; number < first + count; number++)
        {
            text.Append(number.ToString("D6", CultureInfo.InvariantCulture)).Append(' ').Append('x', random.Next(200)).Append('\n');
        }

        return text.ToString();
    }
}
