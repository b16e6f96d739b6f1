namespace Pipeline.Grains.Tenancy;

/// <summary>The labels of a namespace, for tenants that claim namespaces by label.</summary>
public interface INamespaceLabels
{
    /// <summary>The namespace's labels, or null when they are not known (no Kubernetes API, or not yet listed).</summary>
    IReadOnlyDictionary<string, string>? LabelsOf(string namespaceName);
}

/// <summary>
/// No Kubernetes API: no namespace's labels are known, so only tenants' <c>namespaces</c> names and
/// patterns claim namespaces. The Kubernetes namespace watch replaces it where the API is reachable.
/// </summary>
public sealed class UnknownNamespaceLabels : INamespaceLabels
{
    public IReadOnlyDictionary<string, string>? LabelsOf(string namespaceName) => null;
}
