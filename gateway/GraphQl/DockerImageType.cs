using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleDockerImage: a runtime, with its Python version as the id.</summary>
internal sealed class DockerImageType : ObjectGraphType<ComputePickleOption>
{
    public DockerImageType()
    {
        Name = "ComputePickleDockerImage";
        Field(option => option.Name);
        Field(option => option.Id);
    }
}
