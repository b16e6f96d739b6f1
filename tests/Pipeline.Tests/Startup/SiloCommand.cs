using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pipeline.Tests.Startup;

/// <summary>
/// The silo executable run with exactly the given arguments (no ports added, unlike <c>SiloProcess</c>), as a user
/// types them; it can be stopped with SIGTERM as Kubernetes stops a pod.
/// </summary>
internal sealed class SiloCommand : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();

    private SiloCommand(Process process) => _process = process;

    /// <summary>Standard output and error, interleaved as they came.</summary>
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>Standard output alone.</summary>
    public string StandardOutput { get { lock (_output) { return _stdout.ToString(); } } }

    public static SiloCommand Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pipeline.Silo.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var command = new SiloCommand(process);
        process.OutputDataReceived += (_, e) => command.Append(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => command.Append(e.Data, stdout: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return command;
    }

    /// <summary>The exit status; fails the test if the process runs past <paramref name="deadline"/> (a hang, not a slow machine).</summary>
    public async Task<int> ExitCodeAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the silo was still running after {deadline}:\n{Output}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, what the kubelet sends a container to stop it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }


    private void Append(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (stdout)
            {
                _stdout.AppendLine(line);
            }
        }
    }
}
