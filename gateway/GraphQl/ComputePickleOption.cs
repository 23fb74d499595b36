namespace ModelUploads.Gateway.GraphQl;

/// <summary>A choice that numerapi maps from name to id: a data version or a docker image.</summary>
internal sealed record ComputePickleOption(string Name, string Id);
