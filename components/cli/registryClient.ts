/**
 * The few calls of the OCI distribution API a folder build needs, against RioSystem's registry (CNCF distribution)
 * reached through a port-forward: whether an image or blob is there, and pushing the build context as a blob with a
 * manifest naming it (so the registry's garbage collection keeps it).
 */
import { createHash } from "crypto";
import * as http from "http";

/** OCI's empty config (`{}`), what an artifact manifest names when it has no config. */
const EMPTY_CONFIG = Buffer.from("{}");
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
/** What a folder build's context manifest is: a tar layer, for BuildKit to read by digest. */
export const CONTEXT_ARTIFACT_TYPE = "application/vnd.pulumi-rio.build-context.v1";
const MANIFEST_TYPES = [OCI_MANIFEST, "application/vnd.docker.distribution.manifest.v2+json"].join(", ");

const sha256 = (data: Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

interface Reply {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

/** One HTTP exchange on its own connection (no keep-alive: the forwarded connection ends with it). */
function exchange(
    base: URL,
    method: string,
    pathAndQuery: string,
    headers: Record<string, string> = {},
    body?: Buffer,
): Promise<Reply> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: base.hostname,
                port: base.port,
                method,
                path: pathAndQuery,
                agent: false,
                headers: { ...headers, ...(body && { "content-length": String(body.length) }) },
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () =>
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        body: Buffer.concat(chunks).toString(),
                    }),
                );
                res.on("error", reject);
            },
        );
        req.on("error", reject);
        req.end(body);
    });
}

/** A registry's answer it did not expect, as one line (the registry's own error message when it gave one). */
function unexpected(what: string, r: Reply): Error {
    let detail = r.body.trim().split("\n")[0] ?? "";
    try {
        const errors = (JSON.parse(r.body) as { errors?: { message?: string }[] }).errors;
        if (errors?.[0]?.message) detail = errors[0].message;
    } catch {
        // Not the registry's JSON error: its first line says enough.
    }
    return new Error(`${what}: HTTP ${r.status}${detail ? ` ${detail}` : ""}`);
}

/** A registry at `http://127.0.0.1:<port>`. */
export class RegistryClient {
    private readonly base: URL;

    constructor(port: number) {
        this.base = new URL(`http://127.0.0.1:${port}`);
    }

    /** Whether `repository:reference` (a tag or digest) names a manifest. */
    async hasManifest(repository: string, reference: string): Promise<boolean> {
        const r = await exchange(this.base, "HEAD", `/v2/${repository}/manifests/${reference}`, {
            accept: MANIFEST_TYPES,
        });
        if (r.status === 200) return true;
        if (r.status === 404) return false;
        throw unexpected(`HEAD ${repository}:${reference}`, r);
    }

    /** Whether the blob is in `repository`. */
    async hasBlob(repository: string, digest: string): Promise<boolean> {
        const r = await exchange(this.base, "HEAD", `/v2/${repository}/blobs/${digest}`);
        if (r.status === 200) return true;
        if (r.status === 404) return false;
        throw unexpected(`HEAD ${repository}@${digest}`, r);
    }

    /** Uploads a blob in one request (a POST for the upload's location, then one PUT with the digest). */
    async pushBlob(repository: string, data: Buffer): Promise<string> {
        const digest = sha256(data);
        if (await this.hasBlob(repository, digest)) return digest;
        const start = await exchange(this.base, "POST", `/v2/${repository}/blobs/uploads/`, {}, Buffer.alloc(0));
        if (start.status !== 202 || typeof start.headers.location !== "string")
            throw unexpected(`starting an upload to ${repository}`, start);
        // The location is the registry's own (an absolute URL with its idea of its host): only its path counts.
        const location = new URL(start.headers.location, this.base);
        location.searchParams.set("digest", digest);
        const put = await exchange(
            this.base,
            "PUT",
            `${location.pathname}${location.search}`,
            { "content-type": "application/octet-stream" },
            data,
        );
        if (put.status !== 201) throw unexpected(`uploading ${digest} to ${repository}`, put);
        return digest;
    }

    /**
     * Keeps a tar blob as an OCI artifact tagged `tag` in `repository`: the blob, the empty config, and a manifest
     * with the blob as its one layer. Returns the blob's digest.
     */
    async pushArtifact(repository: string, tag: string, tar: Buffer): Promise<string> {
        const digest = await this.pushBlob(repository, tar);
        const config = await this.pushBlob(repository, EMPTY_CONFIG);
        const manifest = Buffer.from(
            JSON.stringify({
                schemaVersion: 2,
                mediaType: OCI_MANIFEST,
                artifactType: CONTEXT_ARTIFACT_TYPE,
                config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config, size: EMPTY_CONFIG.length },
                layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest, size: tar.length }],
            }),
        );
        const r = await exchange(
            this.base,
            "PUT",
            `/v2/${repository}/manifests/${tag}`,
            { "content-type": OCI_MANIFEST },
            manifest,
        );
        if (r.status !== 201) throw unexpected(`tagging ${repository}:${tag}`, r);
        return digest;
    }
}
