using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Collection.Tailing;
using Pipeline.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Tailing;

/// <summary>
/// A temporary directory of real log files (<see cref="Logs"/>), a checkpoint database beside it,
/// a manual clock, and the tailers and stores a test made, all disposed with it.
/// </summary>
internal sealed class TailingSandbox : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public TailingSandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "pipeline-tailing-tests", Guid.NewGuid().ToString("n"));
        Logs = Path.Combine(Root, "logs");
        Directory.CreateDirectory(Logs);
    }

    public string Root { get; }

    public string Logs { get; }

    public string DatabasePath => Path.Combine(Root, "state", "checkpoints.db");

    public FakeTimeProvider Time { get; } = TestClock.Create();

    public string LogPath(string name) => Path.Combine(Logs, name);

    public CheckpointStore OpenStore() => Own(new CheckpointStore(DatabasePath, Time));

    /// <summary>A tailer of <c>Logs/*.log</c> with its own store on the sandbox database.</summary>
    public FileTailer CreateTailer(Action<TailOptions>? configure = null, CheckpointStore? store = null)
    {
        var options = new TailOptions { Paths = [Path.Combine(Logs, "*.log")] };
        configure?.Invoke(options);
        return Own(new FileTailer(options, store ?? OpenStore(), Time, NullLogger<FileTailer>.Instance));
    }

    /// <summary>Reads every file until a whole pass finds nothing more; returns the bytes consumed.</summary>
    public static long ReadToEnd(FileTailer tailer, ILineSink sink, int maxBytes = 1 << 20)
    {
        long total = 0;
        int pass;
        do
        {
            pass = 0;
            foreach (var file in tailer.Files)
            {
                pass += tailer.Read(file, sink, maxBytes);
            }

            total += pass;
        }
        while (pass > 0);
        return total;
    }

    public static void Append(string path, string text) => File.AppendAllText(path, text);

    /// <summary>A writer holding the file open the way a container runtime does: appends, lets others read, rename and delete.</summary>
    public static FileStream OpenWriter(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

    public static void Write(FileStream writer, string text)
    {
        writer.Write(Encoding.UTF8.GetBytes(text));
        writer.Flush();
    }

    /// <summary>Truncates in place, as copytruncate does after its copy.</summary>
    public static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }

    public T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is not a test failure.
        }
    }
}
