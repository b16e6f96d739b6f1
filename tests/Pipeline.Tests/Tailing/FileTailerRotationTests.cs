using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class FileTailerRotationTests : IDisposable
{
    private static readonly TimeSpan RotateWait = TimeSpan.FromSeconds(TailOptions.DefaultRotateWaitSeconds);

    private readonly TailingSandbox _sandbox = new();
    private readonly RecordingLineSink _sink = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Rotation_by_rename_loses_no_line()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var original = Assert.Single(tailer.Files);

        using (var writer = TailingSandbox.OpenWriter(log))
        {
            TailingSandbox.Write(writer, "three\n");
            File.Move(log, log + ".1");

            // The runtime writes on into the renamed file until it reopens the path.
            TailingSandbox.Write(writer, "four\npart");
            TailingSandbox.Write(writer, "ial");
        }

        File.WriteAllText(log, "five\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.True(original.IsRotatedOut);
        Assert.False(original.IsDeleted);
        Assert.Equal(1, tailer.Rotations);
        var successor = tailer.Files[1];
        Assert.NotEqual(original.FileKey, successor.FileKey);
        Assert.Equal(["one", "two", "three", "four"], _sink.TextsOf(original.FileKey));
        Assert.Equal(["five"], _sink.TextsOf(successor.FileKey));
        Assert.False(tailer.AllAtEof);

        // The unterminated last line of a rotated file goes out once the writer had RotateWait to finish it.
        _sandbox.Time.Advance(RotateWait);
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["one", "two", "three", "four", "partial"], _sink.TextsOf(original.FileKey));
        Assert.True(tailer.AllAtEof);

        tailer.Commit(original, _sink.LastNextOffset(original));
        tailer.Rescan();
        Assert.True(original.IsClosed);
        Assert.Equal([successor], tailer.Files);
    }

    [Fact]
    public void Rotated_file_is_kept_open_until_its_lines_are_committed()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var original = Assert.Single(tailer.Files);
        File.Move(log, log + ".1");
        _sandbox.Time.Advance(RotateWait);
        tailer.Rescan();
        _sandbox.Time.Advance(RotateWait);
        TailingSandbox.ReadToEnd(tailer, _sink);

        tailer.Rescan();
        Assert.False(original.IsClosed);

        tailer.Commit(original, _sink.Lines[0].NextOffset);
        tailer.Rescan();
        Assert.False(original.IsClosed);

        tailer.Commit(original, _sink.Lines[1].NextOffset);
        tailer.Rescan();
        Assert.True(original.IsClosed);
        Assert.Empty(tailer.Files);
    }

    [Fact]
    public void Copytruncate_rescues_lines_from_the_copy()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var original = Assert.Single(tailer.Files);

        // Written after our last read: copytruncate puts these in the copy only.
        TailingSandbox.Append(log, "three\nfour\n");
        File.Copy(log, log + ".1");
        TailingSandbox.Truncate(log);
        TailingSandbox.Append(log, "five\n");

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(1, tailer.Truncations);
        Assert.Equal(1, tailer.CopytruncateRescues);
        Assert.True(original.IsRotatedOut);
        var truncated = tailer.Files[1];
        Assert.Equal(log, truncated.Path);
        Assert.NotEqual(original.FileKey, truncated.FileKey);
        Assert.Equal(["one", "two", "three", "four"], _sink.TextsOf(original.FileKey));
        Assert.Equal(["five"], _sink.TextsOf(truncated.FileKey));

        // Rescued lines keep the offsets they had in the original file, so their record ids do not change.
        var rescued = _sink.Lines.Where(line => line.FileKey == original.FileKey).Select(line => line.Offset);
        Assert.Equal([0L, 4L, 8L, 14L], rescued);
        Assert.Equal(0, _sink.Lines[^1].Offset);
    }

    [Fact]
    public void Copytruncate_without_copy_restarts_at_zero()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\ntwo\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var original = Assert.Single(tailer.Files);

        TailingSandbox.Append(log, "three\n");
        TailingSandbox.Truncate(log);
        TailingSandbox.Append(log, "four\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(1, tailer.Truncations);
        Assert.Equal(0, tailer.CopytruncateRescues);
        Assert.True(original.IsRotatedOut);
        Assert.Equal(["one", "two", "four"], _sink.Texts);
        var truncated = tailer.Files[1];
        Assert.Equal(["four"], _sink.TextsOf(truncated.FileKey));
        Assert.Equal(0, _sink.Lines[^1].Offset);

        // The old generation has nothing left to read: once committed and past the wait it is closed.
        tailer.Commit(original, _sink.LastNextOffset(original));
        _sandbox.Time.Advance(RotateWait);
        tailer.Rescan();
        Assert.True(original.IsClosed);
        Assert.Equal([truncated], tailer.Files);
    }

    [Fact]
    public void Copytruncate_refilled_past_our_position_is_noticed_by_its_first_line()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        TailingSandbox.Truncate(log);
        TailingSandbox.Append(log, "a much longer first line\nsecond\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(1, tailer.Truncations);
        Assert.Equal(["one", "a much longer first line", "second"], _sink.Texts);
    }

    [Fact]
    public void Deleted_file_is_read_to_the_end()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "one\n");
        var tailer = _sandbox.CreateTailer(options => options.ReadFromHead = true);
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);
        var file = Assert.Single(tailer.Files);

        using (var writer = TailingSandbox.OpenWriter(log))
        {
            TailingSandbox.Write(writer, "two\n");
            File.Delete(log);
            TailingSandbox.Write(writer, "three\nfour");
        }

        tailer.Rescan();
        Assert.True(file.IsDeleted);
        Assert.True(file.IsRotatedOut);
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["one", "two", "three"], _sink.Texts);

        _sandbox.Time.Advance(RotateWait);
        TailingSandbox.ReadToEnd(tailer, _sink);
        Assert.Equal(["one", "two", "three", "four"], _sink.Texts);

        tailer.Commit(file, file.Position);
        tailer.Rescan();
        Assert.True(file.IsClosed);
        Assert.Empty(tailer.Files);
    }

    [Fact]
    public void Symlink_is_followed_and_identity_is_the_target()
    {
        var pods = Path.Combine(_sandbox.Root, "pods", "default_web-0_0f1c", "web");
        var containers = Path.Combine(_sandbox.Root, "containers");
        Directory.CreateDirectory(pods);
        Directory.CreateDirectory(containers);
        var target = Path.Combine(pods, "0.log");
        File.WriteAllText(target, "one\n");
        var link = Path.Combine(containers, "web-0_default_web-" + new string('a', 64) + ".log");
        File.CreateSymbolicLink(link, target);
        var tailer = _sandbox.CreateTailer(options =>
        {
            options.Paths = [Path.Combine(containers, "*.log"), Path.Combine(_sandbox.Root, "pods", "**", "*.log")];
            options.ReadFromHead = true;
        });

        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        var file = Assert.Single(tailer.Files);
        Assert.Equal(link, file.Path);
        Assert.True(FileStat.TryGet(target, out var targetStat));
        Assert.Equal(targetStat.Identity, file.Identity);
        Assert.Equal(["one"], _sink.Texts);

        // The kubelet rotates the target; the link keeps naming 0.log, now a new file.
        File.Move(target, target + ".20261125-100000");
        File.WriteAllText(target, "two\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.True(file.IsRotatedOut);
        Assert.Equal(2, tailer.Files.Count);
        Assert.Equal(link, tailer.Files[1].Path);
        Assert.Equal(["two"], _sink.TextsOf(tailer.Files[1].FileKey));
    }

    [Fact]
    public void A_file_rotated_away_between_two_rescans_is_still_read()
    {
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();
        var log = _sandbox.LogPath("app.log");

        // Created, filled and renamed before the tailer looked again: it never saw app.log's first inode.
        File.WriteAllText(log, "one\ntwo\n");
        File.Move(log, log + ".1");
        File.WriteAllText(log, "three\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["one", "three", "two"], _sink.Texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Files_created_and_rotated_away_twice_between_two_rescans_are_all_read()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, string.Empty);
        var tailer = _sandbox.CreateTailer();
        tailer.Rescan();

        // The followed (empty) file fills and goes, then a successor the tailer never sees fills and goes.
        TailingSandbox.Append(log, "one\n");
        File.Move(log, log + ".1");
        File.WriteAllText(log, "two\n");
        File.Move(log, log + ".2");
        File.WriteAllText(log, "three\n");
        tailer.Rescan();
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["one", "three", "two"], _sink.Texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_rotated_file_whose_only_line_never_ends_is_handed_out_after_the_rotate_wait()
    {
        var log = _sandbox.LogPath("app.log");
        File.WriteAllText(log, "partial");
        var tailer = _sandbox.CreateTailer(options => options.RotateWait = TimeSpan.FromSeconds(5));
        tailer.Rescan();
        File.Move(log, log + ".1");
        tailer.Rescan();
        Assert.Equal(0, TailingSandbox.ReadToEnd(tailer, _sink));

        _sandbox.Time.Advance(TimeSpan.FromSeconds(6));
        TailingSandbox.ReadToEnd(tailer, _sink);

        Assert.Equal(["partial"], _sink.Texts);
        Assert.True(tailer.AllAtEof);
    }
}
