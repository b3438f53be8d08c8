import { RioInputError, under } from "../errors";
import { unknownKey } from "../service/keys";
import { resolveChartSources } from "./sources";
import { RioSystemArgs } from "./rioSystem";

/** `rio:system` in stack config: RioSystem's plain args, plus whether to install it at all. */
export interface SystemConfig extends Omit<RioSystemArgs, "cloudflare" | "kubeconfig"> {
    /** Install RioSystem (default true). Off: deploy onto a gateway you run yourself (`rio:gateway`, `rio:domain`). */
    install?: boolean;
    /** The Cloudflare zone; its token is the secret `rio:cloudflareApiToken`. */
    cloudflare?: { zoneId: string; proxied?: boolean; zone?: string };
}

const KEYS = [
    "install",
    "civo",
    "domain",
    "email",
    "acmeServer",
    "cloudflare",
    "gatewayImplementation",
    "features",
    "clusterHasMetricsServer",
    "registryPersistence",
    "helmValues",
    "domains",
    "continuousDeployment",
    "registryExposed",
    "charts",
    "crdBundles",
];

/** Checks the keys of `rio:system` (their values are RioSystem's to check): a typo is an error, not a silent default. */
export function checkSystemConfig(raw: unknown): SystemConfig {
    if (raw === undefined) return {};
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
        throw new RioInputError(["rio:system"], "must be a map of RioSystem settings");
    for (const key of Object.keys(raw)) if (!KEYS.includes(key)) throw unknownKey(key, KEYS).withPrefix(["rio:system"]);
    const cf = (raw as SystemConfig).cloudflare;
    if (cf !== undefined) {
        const cfKeys = ["zoneId", "proxied", "zone"];
        for (const key of Object.keys(cf))
            if (!cfKeys.includes(key)) throw unknownKey(key, cfKeys).withPrefix(["rio:system", "cloudflare"]);
    }
    // Checked here too, so a typo points at rio:system (RioSystem checks them again, as any caller's).
    const { charts, crdBundles } = raw as SystemConfig;
    under(["rio:system"], () => resolveChartSources({ charts, crdBundles }));
    return raw as SystemConfig;
}
