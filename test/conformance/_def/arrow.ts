export default (): string => "arrow";
