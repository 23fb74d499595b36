using ModelUploads.Models;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The caller's account as numerapi reads it: the models the caller owns.</summary>
internal sealed record Account(IReadOnlyList<ModelSnapshot> Models);
