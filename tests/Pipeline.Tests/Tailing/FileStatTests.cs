using Pipeline.Grains.Collection.Tailing;
using Xunit;

namespace Pipeline.Tests.Tailing;

public sealed class FileStatTests : IDisposable
{
    private readonly TailingSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Path_and_open_handle_report_the_same_identity_and_size()
    {
        var path = _sandbox.LogPath("app.log");
        File.WriteAllText(path, "hello\n");
        using var handle = File.OpenHandle(path);

        Assert.True(FileStat.TryGet(path, out var byPath));
        Assert.True(FileStat.TryGet(handle, out var byHandle));

        Assert.Equal(byPath, byHandle);
        Assert.Equal(6, byPath.Size);
        Assert.Equal(1u, byPath.LinkCount);
        Assert.True(byPath.IsRegularFile);
        Assert.NotEqual(0UL, byPath.Identity.Inode);
        Assert.Equal(new FileInfo(path).LastWriteTimeUtc, byPath.ModifiedAt.UtcDateTime, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Deleted_open_file_keeps_its_identity_and_has_no_links()
    {
        var path = _sandbox.LogPath("app.log");
        File.WriteAllText(path, "hello\n");
        Assert.True(FileStat.TryGet(path, out var before));
        using var handle = File.OpenHandle(path);

        File.Delete(path);

        Assert.False(FileStat.TryGet(path, out _));
        Assert.True(FileStat.TryGet(handle, out var after));
        Assert.Equal(before.Identity, after.Identity);
        Assert.Equal(0u, after.LinkCount);
    }

    [Fact]
    public void Symlink_is_resolved_to_its_target_and_directories_are_not_regular_files()
    {
        var target = _sandbox.LogPath("target.log");
        File.WriteAllText(target, "hello\n");
        var link = _sandbox.LogPath("link.log");
        File.CreateSymbolicLink(link, target);

        Assert.True(FileStat.TryGet(link, out var viaLink));
        Assert.True(FileStat.TryGet(target, out var direct));
        Assert.Equal(direct.Identity, viaLink.Identity);
        Assert.True(FileStat.TryGet(_sandbox.Logs, out var directory));
        Assert.False(directory.IsRegularFile);
    }
}
