using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Support;

/// <summary>
/// A real Redis (Debian's <c>redis-server</c> package, which <c>.ci/run</c> installs) started by a
/// test on a free loopback port, without persistence (as the membership tests need it: a restart
/// forgets everything).
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What a pipeline file's <c>cluster.connection_string</c> says to reach it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static async Task<RedisProcess> StartAsync(int? port = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's redis-server package (apt-get install redis-server), as .ci/run does.");
        }

        port ??= LoopbackPort.Free();

        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        // Redis is the store, not the code under test: under .ci/faketime-check's libfaketime it
        // never answers (its event loop waits on the faked clock), so it runs on the real clock.
        info.Environment.Remove("LD_PRELOAD");
        info.Environment.Remove("FAKETIME");

        var process = new Process { StartInfo = info };
        var redis = new RedisProcess(process, port.Value);
        process.OutputDataReceived += (_, e) => redis.Append(e.Data);
        process.ErrorDataReceived += (_, e) => redis.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.Until(redis.PingAsync, pong => pong, "redis-server answering PING");
        return redis;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<bool> PingAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}:\n{Output}");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var answer = new byte[7];
            var read = await stream.ReadAsync(answer);
            return Encoding.ASCII.GetString(answer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
