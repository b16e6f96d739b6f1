using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pipeline.Silo.Demo;

/// <summary>
/// A synthetic cluster for <c>--demo</c>: a few pods in a few namespaces write container logs
/// into a temporary directory the way the kubelet and docker lay them out (docker json-file
/// symlink names and CRI files under pods/), with long lines split into pieces, stack traces,
/// and rotation by rename, so a newcomer sees data flowing within seconds.
/// </summary>
public sealed class DemoWorkload : BackgroundService
{
    /// <summary>Files are rotated (renamed away) when they pass this size.</summary>
    public const long RotateBytes = 256 * 1024;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private readonly List<DemoPod> _pods;
    private readonly TimeProvider _time;
    private long _line;

    public DemoWorkload(string directory, TimeProvider time)
    {
        Directory = directory;
        _time = time;
        _pods =
        [
            new DemoPod(this, "shop", "web-7c9d8f6b5-x2x4q", "web", Cri: false),
            new DemoPod(this, "shop", "cart-5d7f9c6d4b-k8p2n", "cart", Cri: true),
            new DemoPod(this, "payments", "api-6f8b7d9c5-q4w7z", "api", Cri: true),
            new DemoPod(this, "monitoring", "agent-node-3", "agent", Cri: false),
        ];

        // There before the silo starts, as a node's log directories are: the tail input's globs find them at once.
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "containers"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "pods"));
    }

    public string Directory { get; }

    /// <summary>The globs a tail input needs to follow what this workload writes.</summary>
    public IReadOnlyList<string> Globs =>
        [Path.Combine(Directory, "containers", "*.log"), Path.Combine(Directory, "pods", "*", "*", "*.log")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var pod in _pods)
            {
                pod.WriteSome(Random.Shared.Next(1, 6));
            }

            try
            {
                await Task.Delay(Tick, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean from /tmp.
        }
    }

    private long NextLine() => Interlocked.Increment(ref _line);

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    private sealed record DemoPod(DemoWorkload Workload, string Namespace, string Name, string Container, bool Cri)
    {
        private readonly string _id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Name + Container)));
        private readonly string _uid = Guid.NewGuid().ToString();

        private string PathOf() => Cri
            ? Path.Combine(Workload.Directory, "pods", $"{Namespace}_{Name}_{_uid}", Container, "0.log")
            : Path.Combine(Workload.Directory, "containers", $"{Name}_{Namespace}_{Container}-{_id}.log");

        public void WriteSome(int count)
        {
            var path = PathOf();
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                foreach (var (stream, message) in Messages())
                {
                    Append(text, stream, message);
                }
            }

            File.AppendAllText(path, text.ToString());
            if (new FileInfo(path).Length > RotateBytes)
            {
                // Rotation by rename, as the kubelet (0.log -> 0.log.<time>) and docker (x.log -> x.log.1) do.
                var rotated = Cri ? $"{path}.{Workload._time.GetUtcNow():yyyyMMdd-HHmmss}" : path + ".1";
                File.Move(path, rotated, overwrite: true);
            }
        }

        private IEnumerable<(string Stream, string Message)> Messages()
        {
            var n = Workload.NextLine();
            switch (Container)
            {
                case "web":
                    var status = n % 17 == 0 ? 500 : n % 5 == 0 ? 404 : 200;
                    yield return ("stdout", $"10.0.{n % 7}.{n % 250} - - [{Workload._time.GetUtcNow():dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /products/{n % 97} HTTP/1.1\" {status} {512 + n % 4096} \"-\" \"Mozilla/5.0\" line={n}");
                    break;
                case "cart":
                    var level = n % 11 == 0 ? "error" : "info";
                    yield return (level == "error" ? "stderr" : "stdout", JsonSerializer.Serialize(new { level, msg = level == "error" ? "cart checkout failed" : "item added to cart", cart = n % 1000, line = n }));
                    break;
                case "api":
                    if (n % 13 == 0)
                    {
                        yield return ("stderr", $"Exception in thread \"main\" java.lang.IllegalStateException: payment {n} declined");
                        yield return ("stderr", "\tat com.example.payments.Processor.charge(Processor.java:42)");
                        yield return ("stderr", "\tat com.example.payments.Api.handle(Api.java:17)");
                    }
                    else if (n % 29 == 0)
                    {
                        yield return ("stdout", $"payload dump line={n} " + new string('x', 20_000));
                    }
                    else
                    {
                        yield return ("stdout", $"payment {n} authorised amount={n % 300}.{n % 100:00} currency=EUR line={n}");
                    }

                    break;
                default:
                    yield return (n % 9 == 0 ? "stderr" : "stdout", n % 9 == 0 ? $"warning: scrape of node took longer than expected line={n}" : $"collected {n % 500} samples line={n}");
                    break;
            }
        }

        private void Append(StringBuilder text, string stream, string message)
        {
            if (Cri)
            {
                // containerd splits lines at 16 KiB into P pieces closed by an F piece.
                const int piece = 16 * 1024;
                for (var start = 0; start < message.Length || start == 0; start += piece)
                {
                    var last = start + piece >= message.Length;
                    text.Append(Workload.Now()).Append(' ').Append(stream).Append(last ? " F " : " P ")
                        .Append(message.AsSpan(start, Math.Min(piece, message.Length - start))).Append('\n');
                    if (last)
                    {
                        break;
                    }
                }
            }
            else
            {
                text.Append(JsonSerializer.Serialize(new DockerLine(message + "\n", stream, Workload.Now()))).Append('\n');
            }
        }
    }

    private sealed record DockerLine(string log, string stream, string time);
}
