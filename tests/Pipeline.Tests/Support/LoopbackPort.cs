using System.Net;
using System.Net.Sockets;

namespace Pipeline.Tests.Support;

/// <summary>Ports for the processes and servers tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A loopback port nothing listens on now (the kernel's pick; free until someone binds it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
