export declare const COMPILED_MAIN: URL;
export declare function compiledBuildIsFresh(): boolean;
