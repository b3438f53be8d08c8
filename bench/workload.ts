/** The "plain service" both benchmarks use: an image, one HTTP port, a little env, Rio's default scale of 1. */
export function serviceArgs(i: number) {
    return {
        image: `registry.example.com/team/app-${i}:1.0.${i}`,
        ports: `80:${8000 + (i % 1000)}/http`,
        env: { LOG_LEVEL: "info", DB_PASSWORD: "secret://db/password", INDEX: String(i) },
        scale: 1,
        cpus: "100m",
        memory: "128Mi",
    };
}

/** A Riofile with `n` such services. */
export function riofileText(n: number): string {
    const lines = ["services:"];
    for (let i = 0; i < n; i++) {
        const a = serviceArgs(i);
        lines.push(
            `  svc-${i}:`,
            `    image: ${a.image}`,
            `    ports: ${a.ports}`,
            "    env:",
            ...Object.entries(a.env).map(([k, v]) => `      ${k}: "${v}"`),
            `    scale: ${a.scale}`,
            `    cpus: ${a.cpus}`,
            `    memory: ${a.memory}`,
        );
    }
    return lines.join("\n") + "\n";
}
