import { foldPlural } from "./words.js";

/**
 * Common words of organisation names in English (after this pipeline's canonical spellings and plural
 * folding). They describe what a party does, not which party it is, so they are weighted down on both
 * sides however rare they happen to be in the list: "Digital Technology Co." must not match a listed
 * "Digital Technologies LLC" on those words alone, nor "Tianjin Medical University" a listed
 * "Tianjin University". Words are stored in their normalized form (see words.ts).
 */
const GENERIC = `
technology science scientific research institute academy university college school center laboratory lab
group holding company enterprise firm organization organisation association union society foundation fund
industry manufactur production product factory plant works workshop
international national global world general united joint state federal public private
trading trade trader import export commerce commercial business market marketing sale service supply supplier
distribution logistics transport shipping freight cargo
electronic electronics electric electrical electro microelectronics optoelectronics semiconductor chip circuit
integrated device component part material equipment machine machinery tool instrument precision system
engineer design development develop project construction build building
information data digital network net cloud software computer comput intelligent intelligence smart
artificial automation control robot robotic
communication telecommunication telecom mobile wireless media broadcast
energy power oil gas petroleum chemical pharmaceutical medical medicine health bio biological biotech
aviation aerospace aircraft aero space satellite marine ocean sea air airline
metal steel mining mineral resource agricultural agriculture food
bank financial finance investment capital credit insurance asset management consult consulting
new future modern advanced high innovation innovative creative applied special first second third
star great golden gold silver diamond sun light vision united royal elite prime best top
east west north south central northern southern eastern western
limited import export office branch department division bureau ministry agency administration
defense defence military security army navy force
medical hospital clinic
physics chemistry mathematics mechanics optics optical photonics acoustics radio nuclear atomic
memory storage display sensor laser vacuum automotive auto vehicle appliance battery
solution application consulting engineering education training
`;

// Both spellings: tokens reach this check after plural folding ("logistics" → "logistic").
const GENERIC_SET = new Set(
  GENERIC.split(/\s+/)
    .filter((w) => w !== "")
    .flatMap((w) => [w, foldPlural(w)]),
);

export function isGenericWord(token: string): boolean {
  return GENERIC_SET.has(token);
}

/**
 * Words that say how a party is organised, not what it does: a parent and its group share them
 * freely ("中国航天科技集团" / "China Aerospace Science and Technology Corporation"), so leaving one
 * out of a name made only of generic words does not make it another name.
 */
const STRUCTURE = new Set(["group", "holding", "enterprise", "concern", "corporation", "company"]);

export function isStructureWord(token: string): boolean {
  return STRUCTURE.has(token);
}
