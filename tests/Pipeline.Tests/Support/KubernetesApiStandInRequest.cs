namespace Pipeline.Tests.Support;

/// <summary>What the Kubernetes API stand-in received in one request.</summary>
/// <param name="Method">GET for lists, watches and object reads.</param>
/// <param name="Path">The path, e.g. <c>/api/v1/namespaces/shop/pods</c>.</param>
/// <param name="Resource">The resource asked for (<c>pods</c>, <c>nodes</c>, <c>services</c>, <c>endpointslices</c>), or empty.</param>
/// <param name="Namespace">The namespace of a namespaced path, or null for a cluster-wide one.</param>
/// <param name="Name">The object name of a single-object GET, or null for a list or watch.</param>
/// <param name="IsWatch">Whether <c>watch=true</c> was asked.</param>
/// <param name="ResourceVersion">The <c>resourceVersion</c> parameter, or null.</param>
/// <param name="LabelSelector">The <c>labelSelector</c> parameter, or null.</param>
/// <param name="FieldSelector">The <c>fieldSelector</c> parameter, or null.</param>
/// <param name="AllowWatchBookmarks">Whether <c>allowWatchBookmarks=true</c> was asked.</param>
/// <param name="Limit">The <c>limit</c> (page size) of a list, or null.</param>
/// <param name="Continue">The <c>continue</c> token of a list's next page, or null for a first page.</param>
public sealed record KubernetesApiStandInRequest(
    string Method,
    string Path,
    string Resource,
    string? Namespace,
    string? Name,
    bool IsWatch,
    string? ResourceVersion,
    string? LabelSelector,
    string? FieldSelector,
    bool AllowWatchBookmarks,
    int? Limit,
    string? Continue)
{
    /// <summary>The first page of a list (a list, whatever its number of pages).</summary>
    public bool IsList => IsListPage && Continue is null;

    public bool IsListPage => !IsWatch && Name is null && Resource.Length > 0;
}
