using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class FileTailerReadTests : IDisposable
{
    private readonly TailingSandbox _sandbox = new();
    private readonly RecordingLineSink _sink = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Lines_are_handed_out_with_their_offsets()
    {
        File.WriteAllText(_sandbox.LogPath("app.log"), "one\n\nthree\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();

        var consumed = TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(11, consumed);
        Assert.Equal(
            [("one", 0L, 4L), ("", 4L, 5L), ("three", 5L, 11L)],
            _sink.Lines.Select(line => (line.Text, line.Offset, line.NextOffset)));
        var file = Assert.Single(tailer.Files);
        Assert.Equal(11, file.Position);
        Assert.True(file.AtEof);
        Assert.True(tailer.AllAtEof);
    }

    [Fact]
    public void Partial_last_line_waits_for_its_newline()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntw");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        var file = Assert.Single(tailer.Files);

        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["one"], _sink.Texts);
        Assert.Equal(4, file.Position);
        Assert.True(file.AtEof);

        TailingSandbox.Append(log, "o\n");
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["one", "two"], _sink.Texts);
        Assert.Equal((4L, 8L), (_sink.Lines[1].Offset, _sink.Lines[1].NextOffset));
    }

    [Fact]
    public void Overlong_line_is_cut_and_following_continues()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "short\n" + new string('x', 100) + "\nafter\n");
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.MaxLineBytes = 16;
            options.ReadBufferBytes = 32;
        });
        tailer.Rescan();

        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(
            [
                new TailedLine(tailer.Files[0].FileKey, log, "short", 0, 6, false),
                new TailedLine(tailer.Files[0].FileKey, log, new string('x', 16), 6, 107, true),
                new TailedLine(tailer.Files[0].FileKey, log, "after", 107, 113, false),
            ],
            _sink.Lines);

        // An over-long line still being written: nothing goes out until its end is there, then following goes on.
        TailingSandbox.Append(log, new string('y', 40));
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(3, _sink.Lines.Count);
        TailingSandbox.Append(log, new string('y', 60) + "\nlast\n");
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["short", new string('x', 16), "after", new string('y', 16), "last"], _sink.Texts);
        Assert.Equal((113L, 214L, true), (_sink.Lines[3].Offset, _sink.Lines[3].NextOffset, _sink.Lines[3].Truncated));
        Assert.Equal(2, tailer.LinesTruncated);
    }

    [Fact]
    public void Line_of_exactly_max_line_bytes_is_not_cut()
    {
        File.WriteAllText(_sandbox.LogPath("app.log"), new string('z', 16) + "\n" + new string('w', 17) + "\n");
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.MaxLineBytes = 16;
            options.ReadBufferBytes = 16;
        });
        tailer.Rescan();

        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal([(new string('z', 16), false), (new string('w', 16), true)], _sink.Lines.Select(line => (line.Text, line.Truncated)));
    }

    [Fact]
    public void Read_stops_near_its_byte_budget_and_resumes_where_it_stopped()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"line {i:000}").ToArray();
        File.WriteAllText(_sandbox.LogPath("app.log"), string.Join('\n', lines) + "\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        var file = Assert.Single(tailer.Files);

        var consumed = tailer.Read(file, _sink, 25);

        Assert.Equal(27, consumed);
        Assert.Equal(["line 000", "line 001", "line 002"], _sink.Texts);
        Assert.False(file.AtEof);
        TailingSandbox.ReadToEnd(tailer, _sink, maxBytes: 100);
        Assert.Equal(lines, _sink.Texts);
    }

    [Fact]
    public void Read_from_head_false_starts_new_files_at_end()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\npart");
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();

        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Empty(_sink.Lines);

        // Started after the last newline: the line being written when we started comes out whole.
        TailingSandbox.Append(log, "ial\nthree\n");
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["partial", "three"], _sink.Texts);
    }

    [Fact]
    public void New_file_found_on_rescan_is_read_from_head()
    {
        File.WriteAllText(_sandbox.LogPath("old.log"), "old\n");
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();
        File.WriteAllText(_sandbox.LogPath("new.log"), "one\ntwo\n");

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["one", "two"], _sink.Texts);
        Assert.Equal(2, tailer.FilesOpened);
    }

    [Fact]
    public void Exclude_paths_are_not_followed()
    {
        File.WriteAllText(_sandbox.LogPath("app.log"), "app\n");
        File.WriteAllText(_sandbox.LogPath("sidecar.log"), "sidecar\n");
        File.WriteAllText(_sandbox.LogPath("debug-1.log"), "debug\n");
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.ExcludePaths = [_sandbox.LogPath("sidecar.log"), "debug-?.log"];
        });

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["app"], _sink.Texts);
        Assert.Equal(_sandbox.LogPath("app.log"), Assert.Single(tailer.Files).Path);
    }

    [Fact]
    public void Files_older_than_ignore_older_than_are_not_followed()
    {
        var stale = _sandbox.LogPath("stale.log");
        File.WriteAllText(stale, "stale\n");
        File.SetLastWriteTimeUtc(stale, _sandbox.Time.GetUtcNow().UtcDateTime.AddHours(-2));
        var fresh = _sandbox.LogPath("fresh.log");
        File.WriteAllText(fresh, "fresh\n");
        File.SetLastWriteTimeUtc(fresh, _sandbox.Time.GetUtcNow().UtcDateTime.AddMinutes(-1));
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.IgnoreOlderThan = TimeSpan.FromHours(1);
        });

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["fresh"], _sink.Texts);
    }

    [Fact]
    public void File_without_a_complete_first_line_is_followed_at_once_and_gets_its_key_with_that_line()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "abc");
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();
        var file = Assert.Single(tailer.Files);
        Assert.False(file.HasKey);
        Assert.Equal(1, tailer.FilesWaitingForFirstLine);
        Assert.Equal(0, TailingSandbox.ReadToEnd(tailer, _sink));

        // No rescan: the followed file is read as it grows.
        TailingSandbox.Append(log, "def\nghi\n");
        TailingSandbox.ReadToEnd(tailer, _sink);

        // It had no complete line when found, so nothing was skipped even with ReadFromHead false.
        Assert.Equal(["abcdef", "ghi"], _sink.Texts);
        Assert.True(file.HasKey);
        Assert.Equal(0, tailer.FilesWaitingForFirstLine);
        Assert.All(_sink.Lines, line => Assert.Equal(file.FileKey, line.FileKey));
    }

    [Fact]
    public void Long_first_line_without_newline_gets_a_key_from_its_first_256_bytes()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, new string('a', FileFingerprint.FirstLineBytes));
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        var file = Assert.Single(tailer.Files);
        var key = file.FileKey;

        TailingSandbox.Append(log, "b\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal([new string('a', FileFingerprint.FirstLineBytes) + "b"], _sink.Texts);
        Assert.Equal(key, Assert.Single(tailer.Files).FileKey);
    }

    [Fact]
    public void File_matched_by_two_patterns_is_followed_once()
    {
        File.WriteAllText(_sandbox.LogPath("app.log"), "one\n");
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.ReadFromHead = true;
            options.Paths = [_sandbox.LogPath("*.log"), _sandbox.LogPath("app.*")];
        });

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["one"], _sink.Texts);
    }

    [Fact]
    public void Options_with_a_relative_path_are_rejected_with_the_key_named()
    {
        var options = new TailOptions { Paths = ["var/log/*.log"], MaxLineBytes = 1 };

        var result = new TailOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Paths[0]: 'var/log/*.log' is not absolute", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("MaxLineBytes: 1 is below 16", StringComparison.Ordinal));
    }
}
