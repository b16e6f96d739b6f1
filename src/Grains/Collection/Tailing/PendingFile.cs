using Microsoft.Win32.SafeHandles;

namespace Pipeline.Grains.Collection.Tailing;

/// <summary>A file held open but not read: it has no complete first line yet, hence no key.</summary>
internal sealed class PendingFile(string path, SafeFileHandle handle, FileIdentity identity)
{
    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    public FileIdentity Identity { get; } = identity;
}
