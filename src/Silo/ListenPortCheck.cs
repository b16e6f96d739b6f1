using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Silo;

/// <summary>
/// Before anything starts, tries each address the silo will listen on (silo port, gateway port, every HTTP URL)
/// and, when one is taken or not allowed, answers one line naming the port and the option that changes it.
/// Without it a taken port surfaces as an Orleans lifecycle failure or as the last of a screenful of log lines.
/// </summary>
internal static class ListenPortCheck
{
    /// <summary>What ASP.NET Core listens on when no URL is configured.</summary>
    public const string DefaultUrls = "http://localhost:5000";

    /// <summary>
    /// The first listen address that cannot be used, as a sentence saying what to change; null when all can.
    /// <paramref name="urls"/> null: the HTTP addresses are not checked (Kestrel's own configuration sets them).
    /// </summary>
    public static string? FirstProblem(int siloPort, int gatewayPort, string? urls)
    {
        if (Problem(IPAddress.Loopback, siloPort) is { } silo)
        {
            return $"silo port {siloPort} (127.0.0.1:{siloPort}) {silo}; choose another with --silo-port <n>";
        }

        if (Problem(IPAddress.Loopback, gatewayPort) is { } gateway)
        {
            return $"gateway port {gatewayPort} (127.0.0.1:{gatewayPort}) {gateway}; choose another with --gateway-port <n>";
        }

        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(url, out var address, out var port))
            {
                return $"--urls: '{url}' is not an HTTP address (write it like http://127.0.0.1:8080 or http://0.0.0.0:8080)";
            }

            if (port != 0 && Problem(address, port) is { } http)
            {
                return $"HTTP port {port} ({url}) {http}; choose another with --urls http://{(address.Equals(IPAddress.Any) ? "0.0.0.0" : address.ToString())}:<port>";
            }
        }

        return null;
    }

    /// <summary>
    /// The URLs Kestrel will listen on, as it chooses them: <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>), else
    /// <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>, set by the .NET container images), else its
    /// default; null when <c>Kestrel:Endpoints</c> configures them (not checked here).
    /// </summary>
    public static string? HttpUrls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return null;
        }

        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls;
        }

        var ports = Ports("http", configuration["http_ports"]).Concat(Ports("https", configuration["https_ports"])).ToList();
        return ports.Count > 0 ? string.Join(';', ports) : DefaultUrls;
    }

    /// <summary>Whether an exception from starting the host says an address was taken or refused.</summary>
    public static bool IsListenFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AccessDenied or SocketError.AddressNotAvailable }
                || e.GetType().Name == "AddressInUseException")
            {
                return true;
            }
        }

        return exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsListenFailure);
    }

    private static IEnumerable<string> Ports(string scheme, string? ports) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");

    private static string? Problem(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

            // Like the listeners that come after: a port whose last connections linger in TIME_WAIT is free.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "is already in use by another process",
                SocketError.AccessDenied => "may not be listened on by this user (ports below 1024 need privileges)",
                SocketError.AddressNotAvailable => $"cannot be listened on: {address} is not an address of this machine",
                _ => $"cannot be listened on: {e.Message}",
            };
        }
    }

    /// <summary>The address Kestrel binds for a URL: <c>localhost</c> the loopback, <c>*</c>, <c>+</c> and names every address.</summary>
    private static bool TryParse(string url, out IPAddress address, out int port)
    {
        address = IPAddress.Any;
        port = 0;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return false;
        }

        var authority = url[(scheme + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.EndsWith(']'))
        {
            port = url.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
            colon = authority.Length;
        }
        else if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        var host = authority[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            address = ip;
        }
        else if (host.Length == 0)
        {
            return false;
        }

        return true;
    }
}
